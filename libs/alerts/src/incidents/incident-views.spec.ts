import { QueryParameterError } from '@pulse/analytics';
import { annotationOfIncident } from './annotations';
import { deliveryTarget } from './delivery-views';
import type { IncidentRecord } from './incident-reads';
import { checkedWindow } from './list-window';

/** The pure parts of the incident views: masked delivery targets, incidents as annotations, list windows. */

describe('deliveryTarget', () => {
  it.each([
    [{ type: 'webhook', url: 'https://user:pass@hooks.example.com/a/b?token=t0k3n&token=again&x=1#frag' }, 'https://hooks.example.com/a/b?token=***&x=***'],
    [{ type: 'webhook', url: 'http://127.0.0.1:8080/hook' }, 'http://127.0.0.1:8080/hook'],
    [{ type: 'slack', url: 'https://hooks.slack.com/services/T0001/B0001/SeCrEtToKeN' }, 'https://hooks.slack.com/services/T0001/B0001/***'],
    [{ type: 'jira', url: 'https://example.atlassian.net' }, 'https://example.atlassian.net/'],
    [{ type: 'webhook', url: 'not a url with a secret' }, '***'],
  ] as const)('shows %j as %s', (action, shown) => {
    expect(deliveryTarget(action)).toBe(shown);
  });
});

const base: IncidentRecord = {
  id: 1,
  ruleId: 3,
  ruleName: 'p95 high',
  kind: 'metric',
  issueId: null,
  status: 'critical',
  startedAt: '2026-12-07T10:00:00.000Z',
  resolvedAt: null,
  details: {},
};
const START = Date.parse(base.startedAt);

describe('annotationOfIncident', () => {
  it('draws a metric incident as a region until it resolved, or until the range ends while open', () => {
    expect(annotationOfIncident({ ...base, status: 'resolved', resolvedAt: '2026-12-07T10:30:00.000Z', details: { value: 912.5 } }, START + 3_600_000)).toEqual({
      time: START,
      timeEnd: START + 1_800_000,
      isRegion: true,
      title: 'Metric alert: p95 high',
      text: 'resolved, resolved at 2026-12-07T10:30:00.000Z\nvalue 912.5',
      tags: ['alert', 'metric', 'resolved', 'p95 high'],
    });
    expect(annotationOfIncident(base, START + 60_000)).toMatchObject({ timeEnd: START + 60_000, isRegion: true, text: 'critical, still open' });
    // A range ending before the incident started never gives a region that ends before it starts.
    expect(annotationOfIncident(base, START - 60_000).timeEnd).toBe(START);
  });

  it('draws issue alerts and release verdicts as points with their evidence', () => {
    expect(annotationOfIncident({ ...base, kind: 'issue', status: 'triggered', issueId: 42, details: { reason: '12 events in 60 s' } }, START)).toEqual({
      time: START,
      timeEnd: null,
      isRegion: false,
      title: 'Issue alert: p95 high',
      text: 'triggered for issue 42\n12 events in 60 s',
      tags: ['alert', 'issue', 'triggered', 'p95 high'],
    });
    const verdict = annotationOfIncident({ ...base, kind: 'release', status: 'marginal', details: { score: 60, reasons: ['p95 +40%', 7] } }, START);
    expect(verdict).toMatchObject({ timeEnd: null, isRegion: false, title: 'Release verdict: p95 high', text: 'verdict marginal\nscore 60\np95 +40%' });
  });
});

describe('checkedWindow', () => {
  it('fills the default limit and refuses bad ranges and limits', () => {
    expect(checkedWindow({ fromMs: 0, toMs: 10 })).toEqual({ fromMs: 0, toMs: 10, limit: 100 });
    for (const bad of [{ fromMs: 10, toMs: 10 }, { fromMs: 11, toMs: 10 }, { fromMs: -1, toMs: 10 }, { fromMs: 0, toMs: 10, limit: 0 }, { fromMs: 0, toMs: 10, limit: 1001 }, { fromMs: 0.5, toMs: 10 }]) {
      expect(() => checkedWindow(bad)).toThrow(QueryParameterError);
    }
  });
});
