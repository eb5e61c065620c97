import { AnalyticsRepository } from './analytics.repository';
import { ReadFailure } from './read-failure';
import { compileTraceQueries, TraceQueryInput } from './trace.query';
import { TraceErrorRow, TraceResponse, TraceSpanRow, TraceTransactionRow, toTraceResponse } from './trace.result';

/** A trace's transactions and spans as one waterfall, and its errors. */
export class TracesService {
  constructor(private readonly repository: AnalyticsRepository) {}

  /** A trace with nothing in the project and range is not_found. */
  async trace(request: TraceQueryInput): Promise<TraceResponse> {
    const queries = compileTraceQueries(request);
    const [transactions, spans, errors] = await Promise.all([
      this.repository.query<TraceTransactionRow>(queries.transactions),
      this.repository.query<TraceSpanRow>(queries.spans),
      this.repository.query<TraceErrorRow>(queries.errors),
    ]);
    const response = toTraceResponse(request.traceId, { transactions, spans, errors });
    if (response === null) throw new ReadFailure('not_found', `trace ${request.traceId} has no transactions, spans or errors in the time range`);
    return response;
  }
}
