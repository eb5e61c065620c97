import { Inject, Injectable } from '@nestjs/common';
import { compileLatencyQuery, LatencyResponse, LatencyRow, parsePercentiles, toLatencyResponse } from '@pulse/analytics';
import { AnalyticsRepository } from './analytics.repository';
import { asBadRequest, parseScope } from './analytics-scope';
import { LatencyQueryDto } from './latency-query.dto';
import { QUERY_LIMITS, QueryLimits } from './query.tokens';
import { RollupTiers } from './rollup-tiers';

@Injectable()
export class LatencyService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
    private readonly rollupTiers: RollupTiers,
  ) {}

  async latency(projectId: number, dto: LatencyQueryDto): Promise<LatencyResponse> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const percentiles = asBadRequest(() => parsePercentiles(dto.percentiles));
    const plan = asBadRequest(() => compileLatencyQuery({ ...scope, percentiles }));
    const rows = await this.repository.query<LatencyRow>(plan.query);
    return toLatencyResponse(rows, percentiles, scope.range, plan.intervalMs);
  }
}
