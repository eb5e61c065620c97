import { AnalyticsRepository } from './analytics.repository';
import type { ReadRequest } from './analytics-scope';
import { ClientOutcomesInput, compileClientOutcomesByReason, compileClientOutcomesSeries } from './client-outcomes.query';
import { ClientOutcomeBucketRow, ClientOutcomeRow, ClientOutcomes, toClientOutcomes, toClientOutcomeSeries } from './client-outcomes.result';

/** "Dropped by the client": the SDKs' client reports summed per reason and category, and per bucket on request. Raw rows only: no rollup tiers. */
export class ClientOutcomesService {
  constructor(private readonly repository: AnalyticsRepository) {}

  async outcomes(request: ReadRequest<ClientOutcomesInput>): Promise<ClientOutcomes> {
    const intervalMs = request.seriesIntervalMs;
    const [groups, buckets] = await Promise.all([
      this.repository.query<ClientOutcomeRow>(compileClientOutcomesByReason(request)),
      intervalMs === undefined ? undefined : this.repository.query<ClientOutcomeBucketRow>(compileClientOutcomesSeries(request, intervalMs)),
    ]);
    const series = intervalMs === undefined || buckets === undefined ? undefined : { points: toClientOutcomeSeries(buckets, request.range, intervalMs), intervalMs };
    return toClientOutcomes(groups, series);
  }
}
