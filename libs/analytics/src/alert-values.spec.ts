import { alertValuesSource, compileAlertValues, MAX_RULES_PER_QUERY } from './alert-values.query';
import { toAlertValues } from './alert-values.result';

const MINUTE = 60_000;
const SHORT = { fromMs: 0, toMs: 30 * MINUTE };
const LONG = { fromMs: 0, toMs: 90 * MINUTE };

describe('compileAlertValues', () => {
  it('binds every rule value as a parameter named per rule and keys rows by rule index', () => {
    const query = compileAlertValues({
      projectId: 4,
      dataset: 'transactions',
      range: SHORT,
      rules: [
        { aggregate: 'p95', filters: {} },
        { aggregate: 'apdex', filters: { transaction: "GET /'; DROP", environment: 'production' } },
      ],
    });
    expect(query.params).toMatchObject({ project_id: 4, a1_transaction: "GET /'; DROP", a1_environment: 'production' });
    expect(query.sql).not.toContain('DROP');
    expect(query.sql).toContain('toUInt32(arrayJoin(arrayFilter(x -> x >= 0, [toInt32(0), toInt32(if(name = {a1_transaction:String} AND environment = {a1_environment:String}, 1, -1))])))');
    expect(query.sql).toContain('GROUP BY rule');
    expect(query.sql).toContain('FROM transactions\n');
  });

  it('reads the rollups for an hour or more unless a rule filters on a column they lack', () => {
    expect(alertValuesSource('errors', LONG, [{ aggregate: 'error_count', filters: { release: '1' } }])).toBe('rollup');
    expect(alertValuesSource('errors', LONG, [{ aggregate: 'error_count', filters: { transaction: 'GET /' } }])).toBe('raw');
    expect(alertValuesSource('errors', SHORT, [{ aggregate: 'error_count', filters: {} }])).toBe('raw');
    const rollup = compileAlertValues({ projectId: 1, dataset: 'web_vitals', range: LONG, rules: [{ aggregate: 'web_vital_p75', vital: 'lcp', filters: { transaction: '/' } }] });
    expect(rollup.sql).toContain('FROM web_vitals_minute');
    expect(rollup.sql).toContain('page = {a0_transaction:String} AND vital = {a0_vital:String}');
    expect(rollup.params).toMatchObject({ a0_vital: 'lcp' });
  });

  it('refuses too many rules, none, and rules that do not fit the dataset', () => {
    const many = Array.from({ length: MAX_RULES_PER_QUERY + 1 }, () => ({ aggregate: 'error_count' as const, filters: {} }));
    expect(() => compileAlertValues({ projectId: 1, dataset: 'errors', range: SHORT, rules: many })).toThrow(`at most ${MAX_RULES_PER_QUERY} rules`);
    expect(() => compileAlertValues({ projectId: 1, dataset: 'errors', range: SHORT, rules: [] })).toThrow('no rules');
    expect(() => compileAlertValues({ projectId: 1, dataset: 'sessions', range: SHORT, rules: [{ aggregate: 'apdex', filters: {} }] })).toThrow('apdex is not an aggregate of sessions');
    expect(() => compileAlertValues({ projectId: 1, dataset: 'web_vitals', range: SHORT, rules: [{ aggregate: 'web_vital_p75', vital: 'fp', filters: {} }] })).toThrow('needs a vital');
  });
});

describe('toAlertValues', () => {
  it('turns each row into its rule aggregate and a missing row into no data (0 for counts)', () => {
    const rules = [
      { aggregate: 'p99' as const, filters: {} },
      { aggregate: 'throughput' as const, filters: {} },
      { aggregate: 'failure_rate' as const, filters: {} },
      { aggregate: 'apdex' as const, filters: {} },
      { aggregate: 'p50' as const, filters: { release: 'none' } },
      { aggregate: 'throughput' as const, filters: { release: 'none' } },
    ];
    const row = { count: '40', failures: '10', quantiles: [1, 2, 3, 4], satisfied: '20', tolerated: '10' };
    const rows = [0, 1, 2, 3].map((rule) => ({ rule, ...row }));
    expect(toAlertValues(rules, rows, { fromMs: 0, toMs: 10 * MINUTE })).toEqual([4, 4, 0.25, 0.625, null, 0]);
    // A rule with its own, shorter window inside the range: its throughput is per minute of that window.
    expect(toAlertValues([{ aggregate: 'throughput', filters: {}, fromMs: 8 * MINUTE }], [{ rule: 0, ...row }], { fromMs: 0, toMs: 10 * MINUTE })).toEqual([20]);
    const sessions = [{ aggregate: 'crash_free_sessions' as const, filters: {} }, { aggregate: 'crash_free_users' as const, filters: {} }];
    expect(toAlertValues(sessions, [{ rule: 0, sessions: '0', crashed: '0', session_users: '0', crashed_users: '0' }, { rule: 1, sessions: '10', crashed: '1', session_users: '4', crashed_users: '1' }], { fromMs: 0, toMs: MINUTE })).toEqual([null, 0.75]);
  });
});
