import { Inject, Injectable } from '@nestjs/common';
import {
  chooseInterval,
  compileLatencyQuery,
  LatencyQueryInput,
  LatencyResponse,
  LatencyRow,
  parsePercentiles,
  parseTimeRange,
  QueryParameterError,
  toLatencyResponse,
} from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { AnalyticsRepository } from './analytics.repository';
import { LatencyQueryDto } from './latency-query.dto';
import { QUERY_LIMITS, QueryLimits } from './query.tokens';

@Injectable()
export class LatencyService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  async latency(projectId: number, dto: LatencyQueryDto): Promise<LatencyResponse> {
    const input = this.toInput(projectId, dto);
    const rows = await this.repository.query<LatencyRow>(compileLatencyQuery(input));
    return toLatencyResponse(rows, input.percentiles, input.range, input.intervalMs);
  }

  /** Query-string values → a typed query; anything unparsable is a 400 that says what. */
  private toInput(projectId: number, dto: LatencyQueryDto): LatencyQueryInput {
    try {
      const range = parseTimeRange(dto.from, dto.to, this.limits.maxRangeDays);
      return {
        projectId,
        range,
        intervalMs: chooseInterval(range, dto.interval, this.limits.maxPoints),
        percentiles: parsePercentiles(dto.percentiles),
        filters: { transaction: dto.transaction, release: dto.release, environment: dto.environment },
      };
    } catch (error) {
      if (error instanceof QueryParameterError) throw new ApiError(400, error.message);
      throw error;
    }
  }
}
