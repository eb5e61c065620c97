/** The answer of the SQL API. */
export interface SqlQueryResponse {
  /** Column names and ClickHouse types, in SELECT order. */
  meta: SqlColumn[];
  /** One object per row, keyed by column name; (U)Int64 values as strings. */
  data: Array<Record<string, unknown>>;
  rows: number;
  statistics: SqlStatistics;
}

export interface SqlColumn {
  name: string;
  type: string;
}

export interface SqlStatistics {
  elapsed_ms: number;
  rows_read: number;
  bytes_read: number;
}

/** The parts of ClickHouse's `FORMAT JSON` body the answer is made of (the client's ResponseJSON). */
export interface ClickHouseJsonBody {
  meta?: SqlColumn[];
  data: Array<Record<string, unknown>>;
  rows?: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

/**
 * ClickHouse's JSON body in the API's shape: exactly meta, data, rows and statistics (elapsed in
 * milliseconds rather than seconds). `totals` and `extremes` (WITH TOTALS, extremes=1) are not part
 * of the answer.
 */
export function toSqlQueryResponse(body: ClickHouseJsonBody): SqlQueryResponse {
  const statistics = body.statistics ?? { elapsed: 0, rows_read: 0, bytes_read: 0 };
  return {
    meta: (body.meta ?? []).map(({ name, type }) => ({ name, type })),
    data: body.data,
    rows: body.rows ?? body.data.length,
    statistics: {
      // Microsecond precision: ClickHouse reports the elapsed time in seconds with nine decimals.
      elapsed_ms: Math.round(statistics.elapsed * 1e6) / 1e3,
      rows_read: statistics.rows_read,
      bytes_read: statistics.bytes_read,
    },
  };
}
