import { Inject, Injectable } from '@nestjs/common';
import {
  compileTraceQueries,
  parseTraceId,
  toTraceResponse,
  TraceErrorRow,
  traceRange,
  TraceResponse,
  TraceSpanRow,
  TraceTransactionRow,
} from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { AnalyticsRepository } from '../analytics.repository';
import { asBadRequest } from '../analytics-scope';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { TraceQueryDto } from './trace-query.dto';

@Injectable()
export class TracesService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  async trace(projectId: number, traceIdParam: string, dto: TraceQueryDto): Promise<TraceResponse> {
    const queries = asBadRequest(() => {
      const traceId = parseTraceId(traceIdParam);
      const range = traceRange(dto.from, dto.to, Date.now(), this.limits.maxRangeDays);
      return { traceId, ...compileTraceQueries({ projectId, traceId, range }) };
    });
    const [transactions, spans, errors] = await Promise.all([
      this.repository.query<TraceTransactionRow>(queries.transactions),
      this.repository.query<TraceSpanRow>(queries.spans),
      this.repository.query<TraceErrorRow>(queries.errors),
    ]);
    const response = toTraceResponse(queries.traceId, { transactions, spans, errors });
    if (response === null) throw new ApiError(404, `trace ${queries.traceId} has no transactions, spans or errors in the time range`);
    return response;
  }
}
