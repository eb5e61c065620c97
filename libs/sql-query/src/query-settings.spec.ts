import { checkSettings, runSettings, scopeTableFilters } from './query-settings';

const scope = { projectId: 7, range: { fromMs: 1_795_500_000_000, toMs: 1_795_503_600_000 }, database: 'pulse' };
const limits = {
  maxExecutionSeconds: 30,
  maxThreads: 2,
  maxMemoryUsageBytes: 2 * 1024 ** 3,
  maxConcurrentQueriesForUser: 16,
  osThreadPriority: 10,
  maxResultRows: 10_000,
  maxBytesToRead: 10 * 1024 ** 3,
  maxResultBytes: 256 * 1024 ** 2,
};

describe('scope settings', () => {
  it('filters each logical table, plain and qualified, by project and its time column', () => {
    const filters = scopeTableFilters(scope);
    expect(Object.keys(filters).sort()).toEqual(
      ['errors', 'pulse.errors', 'pulse.sessions', 'pulse.spans', 'pulse.transactions', 'pulse.web_vitals', 'sessions', 'spans', 'transactions', 'web_vitals'],
    );
    expect(filters.transactions).toBe(
      "project_id = 7 AND timestamp >= fromUnixTimestamp64Milli(1795500000000, 'UTC') AND timestamp < fromUnixTimestamp64Milli(1795503600000, 'UTC')",
    );
    expect(filters['pulse.sessions']).toBe(
      "project_id = 7 AND started >= fromUnixTimestamp64Milli(1795500000000, 'UTC') AND started < fromUnixTimestamp64Milli(1795503600000, 'UTC')",
    );
  });

  it.each([
    ['a fractional project id', { ...scope, projectId: 1.5 }, /projectId must be a safe integer/],
    ['an unsafe time', { ...scope, range: { fromMs: 2 ** 60, toMs: 2 ** 61 } }, /fromMs must be a safe integer/],
    ['a time that is not a number', { ...scope, range: { fromMs: NaN, toMs: 1 } }, /fromMs must be a safe integer/],
    ['a database that is no identifier', { ...scope, database: "pulse'; --" }, /is not a plain identifier/],
  ])('renders nothing for %s', (_what, bad, message) => {
    expect(() => scopeTableFilters(bad)).toThrow(message);
  });

  it('sends the filters as a map literal with the quotes escaped', () => {
    const map = String(checkSettings(scope, limits).additional_table_filters);
    expect(map.startsWith("{'transactions':'project_id = 7 AND timestamp >= fromUnixTimestamp64Milli(1795500000000, \\'UTC\\')")).toBe(true);
    expect(map).toContain("'pulse.web_vitals':'project_id = 7");
  });

  it('runs the checks read-only with the caps, and the query with the result caps on top', () => {
    const check = checkSettings(scope, limits);
    expect(check).toMatchObject({
      readonly: '2',
      allow_experimental_analyzer: 1,
      max_execution_time: 30,
      max_bytes_to_read: String(10 * 1024 ** 3),
      read_overflow_mode: 'throw',
      max_memory_usage: String(2 * 1024 ** 3),
      max_threads: 2,
      max_concurrent_queries_for_user: '16',
      timeout_overflow_mode: 'throw',
    });
    expect(check.max_result_rows).toBeUndefined();
    expect(runSettings(scope, limits)).toMatchObject({
      ...check,
      additional_table_filters: expect.anything(),
      limit: '10001',
      max_result_rows: '10000',
      max_result_bytes: String(256 * 1024 ** 2),
      result_overflow_mode: 'throw',
      output_format_json_quote_64bit_integers: 1,
      wait_end_of_query: 1,
    });
  });
});
