import { compileDimensionValues, DIMENSIONS, MAX_DIMENSION_VALUES, RAW_LOOKBACK_MS } from './dimension-values.query';
import { REPORTED_VITALS } from './web-vitals.dataset';

const DAY = 86_400_000;

describe('compileDimensionValues', () => {
  const range = { fromMs: Date.parse('2026-01-01T00:00:30Z'), toMs: Date.parse('2026-01-31T00:00:30Z') };

  it('binds the project, the range and the limit; no value is in the SQL text', () => {
    const { sql, params } = compileDimensionValues(7, 'release', range);
    expect(params).toEqual({
      project_id: 7,
      // every minute the range touches
      from_s: Date.parse('2026-01-01T00:00:00Z') / 1000,
      to_s: Date.parse('2026-01-31T00:01:00Z') / 1000,
      raw_from_ms: range.toMs - RAW_LOOKBACK_MS,
      to_ms: range.toMs,
      limit: MAX_DIMENSION_VALUES,
    });
    expect(sql).not.toMatch(/2026|\b7\b/);
    expect(sql).toContain('LIMIT {limit:UInt32}');
  });

  it('reads releases from every rollup, newest first, and leaves out empty values', () => {
    const { sql } = compileDimensionValues(1, 'release', range);
    for (const table of ['transactions_minute', 'errors_minute', 'sessions_minute', 'web_vitals_minute']) expect(sql).toContain(`FROM ${table} WHERE`);
    expect(sql).toContain("release != ''");
    expect(sql).toContain('ORDER BY max(last_seen) DESC, value ASC');
  });

  it('reads transaction names, pages and rated vitals from their rollups', () => {
    expect(compileDimensionValues(1, 'transaction', range).sql).toContain('toString(name) AS value');
    expect(compileDimensionValues(1, 'page', range).sql).toContain('FROM web_vitals_minute');
    const vitals = compileDimensionValues(1, 'vital', range).sql;
    expect(vitals).toContain(`vital IN (${REPORTED_VITALS.map((v) => `'${v}'`).join(', ')})`);
    expect(vitals).not.toContain("'fp'");
  });

  it('reads browser and OS from raw rows of the last day of the range only', () => {
    const { sql, params } = compileDimensionValues(1, 'os', { fromMs: 0, toMs: 10 * DAY });
    expect(sql).toContain('FROM transactions WHERE');
    expect(sql).toContain('timestamp >= fromUnixTimestamp64Milli({raw_from_ms:Int64}');
    expect(sql).not.toContain('_minute');
    expect(params.raw_from_ms).toBe(9 * DAY);
    expect(compileDimensionValues(1, 'browser', { fromMs: 0, toMs: DAY / 2 }).params.raw_from_ms).toBe(0);
  });

  it('covers every dimension', () => {
    for (const dimension of DIMENSIONS) expect(compileDimensionValues(1, dimension, range).sql).toContain('GROUP BY value');
  });
});
