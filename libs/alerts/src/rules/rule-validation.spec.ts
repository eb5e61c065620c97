import { checkoutP95Rule } from '../testing/rule-definitions';
import { AlertRuleError, parseAlertRule } from './rule-validation';

/**
 * parseAlertRule: the acceptance examples parse and come back complete (every default filled),
 * and each way a rule can be wrong gives the problem that names its field.
 */

const HOOK = { type: 'webhook', url: 'http://127.0.0.1:9999/hook' };
const ISSUE = { name: 'new errors', kind: 'issue', trigger: { type: 'new_issue' }, actions: [HOOK] };
const METRIC = { name: 'checkout p95', kind: 'metric', aggregate: 'p95', windowSeconds: 60, critical: { above: 500 }, actions: [HOOK] };
const RATE = { ...METRIC, aggregate: 'failure_rate', critical: { above: 0.05 } };
const VITAL = { ...METRIC, aggregate: 'web_vital_p75', vital: 'lcp', critical: { above: 2500 } };
const RELEASE = { name: 'canary 1.2', kind: 'release', canary: 'shop@1.2.0', baseline: 'shop@1.1.0', windowMinutes: 60, actions: [HOOK] };

function problemsOf(input: unknown): string[] {
  try {
    parseAlertRule(input);
  } catch (error) {
    if (error instanceof AlertRuleError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseAlertRule', () => {
  it('takes the acceptance examples', () => {
    const issue = {
      name: 'new errors',
      kind: 'issue',
      trigger: { type: 'new_issue' },
      filters: { environment: 'production' },
      actionIntervalMinutes: 30,
      actions: [{ type: 'webhook', url: 'http://127.0.0.1:9999/hook', secret: 's3cret' }],
    };
    expect(parseAlertRule(issue)).toEqual({ ...issue, enabled: true });
    const metric = checkoutP95Rule({ url: 'http://127.0.0.1:9999/hook' });
    expect(parseAlertRule(metric)).toEqual({ ...metric, enabled: true, triggerAfter: 1, resolveAfter: 1, guardSeconds: 0 });
    expect(parseAlertRule({ ...issue, trigger: { type: 'regression' } })).toMatchObject({ trigger: { type: 'regression' } });
    const frequency = { type: 'event_frequency', count: 100, windowSeconds: 60 };
    expect(parseAlertRule({ ...issue, trigger: frequency })).toMatchObject({ trigger: frequency });
  });

  it('fills every default', () => {
    expect(parseAlertRule(ISSUE)).toEqual({ ...ISSUE, enabled: true, filters: {}, actionIntervalMinutes: 30 });
    expect(parseAlertRule(METRIC)).toEqual({
      ...METRIC,
      enabled: true,
      dataset: 'transactions',
      filters: {},
      evaluateEverySeconds: 60,
      triggerAfter: 1,
      resolveAfter: 1,
      guardSeconds: 0,
    });
    expect(parseAlertRule(VITAL)).toMatchObject({ dataset: 'web_vitals', vital: 'lcp' });
    expect(parseAlertRule({ ...METRIC, aggregate: 'error_count' })).toMatchObject({ dataset: 'errors' });
    expect(parseAlertRule({ ...METRIC, aggregate: 'crash_free_users', critical: { below: 0.99 } })).toMatchObject({ dataset: 'sessions' });
    expect(parseAlertRule(RELEASE)).toEqual({
      ...RELEASE,
      enabled: true,
      evaluateEverySeconds: 60,
      metrics: [
        { metric: 'error_rate', critical: true, weight: 1 },
        { metric: 'failure_rate', critical: true, weight: 1 },
        { metric: 'p95', critical: false, weight: 1 },
        { metric: 'crash_free_rate', critical: false, weight: 1 },
      ],
      confidence: 0.98,
      tolerance: 0.25,
      passScore: 75,
      marginalScore: 50,
      thresholds: {},
    });
    expect(parseAlertRule({ ...RELEASE, metrics: [{ metric: 'p95' }] })).toMatchObject({ metrics: [{ metric: 'p95', critical: false, weight: 1 }] });
  });

  it('keeps what a complete rule gives, and parses its own output to itself', () => {
    const full = {
      ...METRIC,
      enabled: false,
      aggregate: 'apdex',
      dataset: 'transactions',
      filters: { transaction: 'GET /', environment: 'prod', release: '1.0' },
      evaluateEverySeconds: 30,
      comparison: 'day',
      critical: { below: -40 },
      warning: { below: -20 },
      resolve: { above: -10 },
      triggerAfter: 3,
      resolveAfter: 2,
      guardSeconds: 600,
    };
    expect(parseAlertRule(full)).toEqual(full);
    const release = { ...RELEASE, environment: 'prod', startAt: '2026-03-01T14:00:00+02:00', thresholds: { newIssuesAbove: 0, crashFreeBelow: 0.99, failureRateAbove: 0.1 } };
    const parsed = parseAlertRule(release);
    expect(parsed).toMatchObject({ ...release, startAt: '2026-03-01T12:00:00.000Z' });
    expect(parseAlertRule(parsed)).toEqual(parsed);
    const tagged = { ...ISSUE, filters: { level: 'error', platform: 'node', release: '1.0', tags: { 'browser.name': 'Chrome' } } };
    expect(parseAlertRule(tagged)).toMatchObject(tagged);
  });

  const cases: Array<[string, unknown, string]> = [
    ['not an object', [ISSUE], 'the rule must be a JSON object'],
    ['no kind', { ...ISSUE, kind: undefined }, 'kind is required (one of issue, metric, release)'],
    ['an unknown kind', { ...ISSUE, kind: 'log' }, 'kind must be one of issue, metric, release'],
    ['a typo', { ...ISSUE, actionIntervalMinute: 5 }, 'actionIntervalMinute is not a field of an issue rule'],
    ['a field of another kind', { ...ISSUE, aggregate: 'p95' }, 'aggregate is not a field of an issue rule'],
    ['no name', { ...ISSUE, name: undefined }, 'name is required'],
    ['a blank name', { ...ISSUE, name: '  ' }, 'name must be a non-blank string of at most 200 characters'],
    ['a long name', { ...ISSUE, name: 'x'.repeat(201) }, 'name must be a non-blank string of at most 200 characters'],
    ['enabled not a boolean', { ...ISSUE, enabled: 'yes' }, 'enabled must be true or false'],
    ['no actions', { ...ISSUE, actions: [] }, 'actions must be a list of 1 to 10 entries'],
    ['eleven actions', { ...ISSUE, actions: Array.from({ length: 11 }, () => HOOK) }, 'actions must be a list of 1 to 10 entries'],
    ['an action not an object', { ...ISSUE, actions: ['http://x'] }, 'actions[0] must be an object with a type'],
    ['an action of no known type', { ...ISSUE, actions: [HOOK, { type: 'email' }] }, 'actions[1].type must be one of'],
    ['an action with a bad url', { ...ISSUE, actions: [{ type: 'webhook', url: 'ftp://x' }] }, 'actions[0].url must be an http(s) URL'],
    ['an action with a typo', { ...ISSUE, actions: [{ ...HOOK, secert: 'x' }] }, 'actions[0].secert is not a field of a webhook action'],
    ['no trigger', { ...ISSUE, trigger: undefined }, 'trigger is required (an object)'],
    ['an unknown trigger', { ...ISSUE, trigger: { type: 'first_seen' } }, 'trigger.type must be one of new_issue, regression'],
    ['a field of another trigger', { ...ISSUE, trigger: { type: 'new_issue', count: 3 } }, 'trigger.count is not a field of a new_issue trigger'],
    ['a frequency without a count', { ...ISSUE, trigger: { type: 'event_frequency', windowSeconds: 60 } }, 'trigger.count is required (an integer from 1 to 1000000000)'],
    ['a fractional count', { ...ISSUE, trigger: { type: 'user_frequency', count: 1.5, windowSeconds: 60 } }, 'trigger.count must be an integer from 1 to 1000000000'],
    ['a short window', { ...ISSUE, trigger: { type: 'event_frequency', count: 1, windowSeconds: 59 } }, 'trigger.windowSeconds must be an integer from 60 to 86400'],
    ['a long window', { ...ISSUE, trigger: { type: 'event_frequency', count: 1, windowSeconds: 86_401 } }, 'trigger.windowSeconds must be an integer from 60 to 86400'],
    ['a percent of 100', { ...ISSUE, trigger: { type: 'session_percent', percent: 100, windowSeconds: 3600 } }, 'trigger.percent must be a percentage greater than 0 and less than 100'],
    ['an action interval of 0', { ...ISSUE, actionIntervalMinutes: 0 }, 'actionIntervalMinutes must be an integer from 1 to 10080'],
    ['an action interval over a week', { ...ISSUE, actionIntervalMinutes: 10_081 }, 'actionIntervalMinutes must be an integer from 1 to 10080'],
    ['filters not an object', { ...ISSUE, filters: 'production' }, 'filters must be an object'],
    ['an unknown filter', { ...ISSUE, filters: { env: 'production' } }, 'filters.env is not a field of the filters of an issue rule'],
    ['an unknown level', { ...ISSUE, filters: { level: 'critical' } }, 'filters.level must be one of debug, info, warning, error, fatal'],
    ['eleven tags', { ...ISSUE, filters: { tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v'])) } }, 'filters.tags must name 1 to 10 tags'],
    ['a tag value not a string', { ...ISSUE, filters: { tags: { a: 1 } } }, 'filters.tags.a must be a non-blank string of at most 200 characters'],
    ['a blank tag key', { ...ISSUE, filters: { tags: { ' ': 'v' } } }, 'filters.tags has a key that is blank or longer than 200 characters'],
    ['an unknown aggregate', { ...METRIC, aggregate: 'p90' }, 'aggregate must be one of p50, p75, p95, p99'],
    ['a dataset that does not fit', { ...METRIC, dataset: 'errors' }, 'dataset must be transactions for aggregate p95 (or left out), not errors'],
    ['an unknown dataset', { ...METRIC, dataset: 'logs' }, 'dataset must be one of transactions, errors, sessions, web_vitals'],
    ['a vital missing', { ...VITAL, vital: undefined }, 'vital is required (one of lcp, fcp, cls, inp, ttfb)'],
    ['an unknown vital', { ...VITAL, vital: 'fid' }, 'vital must be one of lcp, fcp, cls, inp, ttfb'],
    ['a vital on another aggregate', { ...METRIC, vital: 'lcp' }, 'vital is only for the web_vital_* aggregates, not p95'],
    ['a transaction filter on sessions', { ...METRIC, aggregate: 'crash_free_sessions', critical: { below: 0.99 }, filters: { transaction: 'GET /' } }, 'filters.transaction does not apply to the sessions dataset'],
    ['no window', { ...METRIC, windowSeconds: undefined }, 'windowSeconds is required (an integer from 60 to 86400)'],
    ['a window of a minute and a half', { ...METRIC, windowSeconds: 90.5 }, 'windowSeconds must be an integer from 60 to 86400'],
    ['an evaluation every 5 s', { ...METRIC, evaluateEverySeconds: 5 }, 'evaluateEverySeconds must be an integer from 10 to 3600'],
    ['no critical', { ...METRIC, critical: undefined }, 'critical is required (an object)'],
    ['a critical with both sides', { ...METRIC, critical: { above: 500, below: 100 } }, 'critical must give exactly one of above and below'],
    ['a critical with neither', { ...METRIC, critical: {} }, 'critical must give exactly one of above and below'],
    ['a threshold not a number', { ...METRIC, critical: { above: '500' } }, 'critical.above must be a finite number'],
    ['an infinite threshold (YAML .inf)', { ...METRIC, critical: { above: Infinity } }, 'critical.above must be a finite number'],
    ['a window as a string', { ...METRIC, windowSeconds: '60' }, 'windowSeconds must be an integer from 60 to 86400'],
    ['a threshold with a typo', { ...METRIC, critical: { above: 500, for: 60 } }, 'critical.for is not a field of a threshold'],
    ['a warning in the other direction', { ...METRIC, warning: { below: 100 } }, 'warning must be {"above": …} like critical'],
    ['a warning beyond critical', { ...METRIC, warning: { above: 600 } }, 'warning.above must be less than critical.above (500): a warning is less severe than critical'],
    ['a warning equal to critical', { ...METRIC, warning: { above: 500 } }, 'warning.above must be less than critical.above (500)'],
    ['a warning beyond a below critical', { ...RATE, aggregate: 'apdex', critical: { below: 0.5 }, warning: { below: 0.4 } }, 'warning.below must be greater than critical.below (0.5)'],
    ['a resolve on the firing side', { ...METRIC, resolve: { above: 300 } }, 'resolve must be {"below": …} for a rule that fires above'],
    ['a resolve above critical', { ...METRIC, resolve: { below: 600 } }, 'resolve.below must be at most 500 (the lowest firing threshold)'],
    ['a resolve above the warning', { ...METRIC, warning: { above: 400 }, resolve: { below: 450 } }, 'resolve.below must be at most 400 (the lowest firing threshold)'],
    ['a resolve below a below critical', { ...RATE, aggregate: 'crash_free_sessions', critical: { below: 0.99 }, resolve: { above: 0.98 } }, 'resolve.above must be at least 0.99 (the highest firing threshold)'],
    ['a rate as a percentage', { ...RATE, critical: { above: 5 } }, 'critical.above must be a fraction from 0 to 1 (failure_rate is a rate; 0.05 is 5 %)'],
    ['a negative rate', { ...RATE, aggregate: 'web_vital_poor_share', vital: 'lcp', critical: { above: -0.1 } }, 'critical.above must be a fraction from 0 to 1 (web_vital_poor_share is a rate'],
    ['a warning rate out of range', { ...RATE, warning: { above: 2 } }, 'warning.above must be a fraction from 0 to 1'],
    ['a comparison of a month', { ...METRIC, comparison: 'month' }, 'comparison must be one of hour, day, week'],
    ['triggerAfter 0', { ...METRIC, triggerAfter: 0 }, 'triggerAfter must be an integer from 1 to 100'],
    ['resolveAfter 101', { ...METRIC, resolveAfter: 101 }, 'resolveAfter must be an integer from 1 to 100'],
    ['a guard over a day', { ...METRIC, guardSeconds: 86_401 }, 'guardSeconds must be an integer from 0 to 86400'],
    ['a negative guard', { ...METRIC, guardSeconds: -1 }, 'guardSeconds must be an integer from 0 to 86400'],
    ['no canary', { ...RELEASE, canary: undefined }, 'canary is required'],
    ['the canary as its own baseline', { ...RELEASE, baseline: 'shop@1.2.0' }, 'baseline must be another release than canary (both are "shop@1.2.0")'],
    ['no window minutes', { ...RELEASE, windowMinutes: undefined }, 'windowMinutes is required (an integer from 5 to 1440)'],
    ['a window of 4 minutes', { ...RELEASE, windowMinutes: 4 }, 'windowMinutes must be an integer from 5 to 1440'],
    ['a window over a day', { ...RELEASE, windowMinutes: 1441 }, 'windowMinutes must be an integer from 5 to 1440'],
    ['a start without a zone', { ...RELEASE, startAt: '2026-03-01T12:00:00' }, 'startAt must be an ISO-8601 instant with a time zone'],
    ['a start that is no date', { ...RELEASE, startAt: '2026-13-45T12:00:00Z' }, 'startAt must be an ISO-8601 instant'],
    ['a release evaluation every 30 s', { ...RELEASE, evaluateEverySeconds: 30 }, 'evaluateEverySeconds must be an integer from 60 to 3600'],
    ['a confidence of 0.5', { ...RELEASE, confidence: 0.5 }, 'confidence must be a number greater than 0.5 and less than 1'],
    ['a confidence of 1', { ...RELEASE, confidence: 1 }, 'confidence must be a number greater than 0.5 and less than 1'],
    ['a tolerance of 11', { ...RELEASE, tolerance: 11 }, 'tolerance must be a number from 0 to 10'],
    ['a negative tolerance', { ...RELEASE, tolerance: -0.1 }, 'tolerance must be a number from 0 to 10'],
    ['a pass score over 100', { ...RELEASE, passScore: 101 }, 'passScore must be a score from 0 to 100'],
    ['a negative marginal score', { ...RELEASE, marginalScore: -1 }, 'marginalScore must be a score from 0 to 100'],
    ['marginal above pass', { ...RELEASE, passScore: 60, marginalScore: 70 }, 'marginalScore (70) must be at most passScore (60)'],
    ['no metrics', { ...RELEASE, metrics: [] }, 'metrics must be a list of 1 to 4 entries'],
    ['an unknown canary metric', { ...RELEASE, metrics: [{ metric: 'p99' }] }, 'metrics[0].metric must be one of error_rate, failure_rate, p95, crash_free_rate'],
    ['a metric listed twice', { ...RELEASE, metrics: [{ metric: 'p95' }, { metric: 'p95', weight: 2 }] }, 'metrics[1].metric p95 is listed twice'],
    ['a weight of 0', { ...RELEASE, metrics: [{ metric: 'p95', weight: 0 }] }, 'metrics[0].weight must be a number greater than 0 and at most 100'],
    ['a metric with a typo', { ...RELEASE, metrics: [{ metric: 'p95', critcal: true }] }, 'metrics[0].critcal is not a field of a canary metric'],
    ['a crash-free threshold in %', { ...RELEASE, thresholds: { crashFreeBelow: 99 } }, 'thresholds.crashFreeBelow must be a fraction from 0 to 1'],
    ['a new-issues threshold not an integer', { ...RELEASE, thresholds: { newIssuesAbove: 1.5 } }, 'thresholds.newIssuesAbove must be an integer from 0 to 1000000000'],
    ['an unknown release threshold', { ...RELEASE, thresholds: { regressedAbove: 1 } }, 'thresholds.regressedAbove is not a field of the thresholds of a release rule'],
  ];

  it.each(cases)('refuses %s', (_what, input, expected) => {
    expect(problemsOf(input)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it('names every problem of a rule at once', () => {
    const problems = problemsOf({ ...METRIC, name: '', windowSeconds: 5, critical: { above: 'x' }, colour: 'red' });
    expect(problems).toEqual([
      'name must be a non-blank string of at most 200 characters',
      'critical.above must be a finite number',
      'windowSeconds must be an integer from 60 to 86400',
      expect.stringMatching(/^colour is not a field of a metric rule \(known: kind, name, enabled, actions, aggregate/),
    ]);
    expect(() => parseAlertRule({ ...METRIC, windowSeconds: 5 })).toThrow('invalid alert rule: windowSeconds must be an integer from 60 to 86400');
  });

  it('takes change alerts in % of any sign, and fractions only for rates', () => {
    expect(parseAlertRule({ ...RATE, comparison: 'week', critical: { above: 50 }, resolve: { below: -10 } })).toMatchObject({ critical: { above: 50 } });
    expect(parseAlertRule({ ...METRIC, critical: { above: 1500.5 }, warning: { above: 900 } })).toMatchObject({ warning: { above: 900 } });
    expect(parseAlertRule({ ...RATE, critical: { above: 1 }, resolve: { below: 0 } })).toMatchObject({ resolve: { below: 0 } });
  });
});
