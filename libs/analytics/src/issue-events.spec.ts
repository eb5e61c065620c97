import { compileFingerprintTotals, compileIssueEvent, compileIssueSeries, compileIssueTopTags, compileIssueTotals, IssueRef } from './issue-events.query';
import { toIssueBreakdown, toIssueSeries } from './issue-events.result';
import { QueryParameterError } from './time-range';

const ISSUE: IssueRef = { projectId: 3, hashes: ['a'.repeat(32), 'b'.repeat(32)] };
const RANGE = { fromMs: 1_795_500_000_000, toMs: 1_795_500_000_000 + 2 * 3_600_000 };

describe('issue queries', () => {
  it('binds every value: hashes as one array, filters and the chosen event id', () => {
    const hostile = "1.0' OR 1=1 --";
    const totals = compileIssueTotals(ISSUE, RANGE, { release: hostile });
    expect(totals.sql).toContain('fingerprint IN {hashes:Array(FixedString(32))}');
    expect(totals.sql).not.toContain(hostile);
    expect(totals.params).toMatchObject({ project_id: 3, hashes: ISSUE.hashes, f_release: hostile, from: RANGE.fromMs, to: RANGE.toMs });
    const chosen = compileIssueEvent(ISSUE, { eventId: 'C'.repeat(32) }, RANGE);
    expect(chosen.params.event_id).toBe('c'.repeat(32));
    expect(chosen.sql).toMatch(/ORDER BY timestamp DESC, event_id DESC\s+LIMIT 1$/);
    expect(compileIssueEvent(ISSUE, 'oldest', RANGE).sql).toMatch(/ORDER BY timestamp ASC, event_id ASC/);
  });

  it('refuses a bad issue, range, event id, limit or interval with a clear error', () => {
    expect(() => compileIssueTotals({ projectId: 3, hashes: [] }, RANGE, {})).toThrow(new QueryParameterError('an issue has at least one fingerprint'));
    expect(() => compileIssueTotals({ projectId: 3, hashes: ['A'.repeat(32)] }, RANGE, {})).toThrow(/must be 32 lower-case hex/);
    expect(() => compileIssueTotals({ projectId: 0, hashes: ISSUE.hashes }, RANGE, {})).toThrow(/positive integer/);
    expect(() => compileIssueTotals(ISSUE, { fromMs: RANGE.toMs, toMs: RANGE.fromMs }, {})).toThrow(/to after from/);
    expect(() => compileIssueEvent(ISSUE, { eventId: 'nope' }, RANGE)).toThrow(/event id "nope"/);
    expect(() => compileFingerprintTotals({ projectId: 3, range: RANGE, filters: {}, limit: 0 })).toThrow(/limit must be/);
    expect(() => compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs: 100, filters: {} })).toThrow(/widen the interval/);
  });

  it('reads the rollup for whole-minute buckets of a long range, raw rows otherwise', () => {
    expect(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs: 300_000, filters: { environment: 'production' } }).source).toBe('rollup');
    expect(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs: 90_000, filters: {} }).source).toBe('raw');
    expect(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs: 90_000, filters: {}, source: 'rollup' }).source).toBe('raw');
    expect(compileFingerprintTotals({ projectId: 3, range: RANGE, filters: {} }).query.sql).toContain('FROM errors_minute');
  });

  it('lists the top values of every tag key in one scan', () => {
    expect(compileIssueTopTags(ISSUE, RANGE, {}).sql).toMatch(/ARRAY JOIN \[\('release', toString\(release\)\), .*\('transaction', toString\(transaction\)\)\] AS tag[\s\S]*LIMIT \{top:UInt32\} BY key/);
  });
});

describe('issue results', () => {
  it('fills every bucket of the range, zeros included', () => {
    expect(toIssueSeries([{ t: '1795500000000', count: '4' }], { fromMs: 1_795_499_990_000, toMs: 1_795_500_120_000 }, 60_000)).toEqual([
      { timestampMs: 1_795_499_940_000, count: 0 },
      { timestampMs: 1_795_500_000_000, count: 4 },
      { timestampMs: 1_795_500_060_000, count: 0 },
    ]);
  });

  it('groups tag values by key in a fixed key order, every key present', () => {
    const breakdown = toIssueBreakdown({ count: '5', users: 2 }, [], [{ key: 'os', value: 'Linux', count: '5' }]);
    expect(breakdown.count).toBe(5);
    expect(breakdown.topTags).toEqual([
      { key: 'release', values: [] },
      { key: 'environment', values: [] },
      { key: 'browser', values: [] },
      { key: 'os', values: [{ value: 'Linux', count: 5 }] },
      { key: 'transaction', values: [] },
    ]);
    expect(toIssueBreakdown(undefined, [], []).userCount).toBe(0);
  });
});
