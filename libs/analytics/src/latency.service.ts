import { AnalyticsRepository } from './analytics.repository';
import type { ReadRequest } from './analytics-scope';
import { compileLatencyQuery, LatencyQueryInput } from './latency.query';
import { LatencyResponse, LatencyRow, toLatencyResponse } from './latency.result';
import { RollupTiers } from './rollup-tiers';

/** Percentiles of transaction durations over the range and per bucket, in one scan. */
export class LatencyService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
  ) {}

  async latency(request: ReadRequest<LatencyQueryInput>): Promise<LatencyResponse> {
    const plan = compileLatencyQuery({ ...request, ...(await this.rollupTiers.starts()) });
    const rows = await this.repository.query<LatencyRow>(plan.query);
    return toLatencyResponse(rows, request.percentiles, request.range, plan.intervalMs);
  }
}
