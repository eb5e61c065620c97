/**
 * Why a read gave no answer, other than parameters that are wrong (QueryParameterError). The
 * library says what happened; each caller decides what to answer (the query app: a status code
 * and Retry-After, see apps/query/src/analytics-errors.ts).
 * - not_found: what was asked for (an error group's events, a trace) is not in the range;
 * - too_many_rows: the answer is over the repository's row cap;
 * - too_slow: ClickHouse stopped the query at max_execution_time;
 * - busy: ClickHouse is running too many reads;
 * - unavailable: ClickHouse cannot be reached.
 */
export type ReadFailureKind = 'not_found' | 'too_many_rows' | 'too_slow' | 'busy' | 'unavailable';

export class ReadFailure extends Error {
  constructor(
    readonly kind: ReadFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'ReadFailure';
  }
}
