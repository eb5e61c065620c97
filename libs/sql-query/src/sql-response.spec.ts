import { toSqlQueryResponse } from './sql-response';

describe('toSqlQueryResponse', () => {
  it('keeps meta, data and rows, and gives the elapsed time in milliseconds', () => {
    const body = {
      meta: [{ name: 'n', type: 'UInt64' }],
      data: [{ n: '3' }],
      rows: 1,
      rows_before_limit_at_least: 1,
      totals: { n: '3' },
      statistics: { elapsed: 0.003601221, rows_read: 110, bytes_read: 880 },
    };
    const response = toSqlQueryResponse(body);
    expect(response).toEqual({
      meta: [{ name: 'n', type: 'UInt64' }],
      data: [{ n: '3' }],
      rows: 1,
      statistics: { elapsed_ms: 3.601, rows_read: 110, bytes_read: 880 },
    });
    expect(Object.keys(response)).toEqual(['meta', 'data', 'rows', 'statistics']);
  });
});
