import { AnalyticsRepository } from './analytics.repository';
import type { ReadRequest } from './analytics-scope';
import { RollupTiers } from './rollup-tiers';
import { compileWebVitalsBreakdownQuery, compileWebVitalsQuery, compileWebVitalsSeriesQuery, WebVitalsBreakdownInput, WebVitalsQueryInput, WebVitalsSeriesInput } from './web-vitals.query';
import {
  toWebVitalsBreakdownResponse,
  toWebVitalsResponse,
  toWebVitalsSeriesResponse,
  WebVitalsBreakdownEntry,
  WebVitalsBreakdownRow,
  WebVitalsResponse,
  WebVitalsRow,
  WebVitalsSeriesResponse,
  WebVitalsSeriesRow,
} from './web-vitals.result';

export class WebVitalsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
  ) {}

  /** Every vital over the range, and the performance score. */
  async summary(request: ReadRequest<WebVitalsQueryInput>): Promise<WebVitalsResponse> {
    const plan = compileWebVitalsQuery({ ...request, ...(await this.rollupTiers.starts()) });
    return toWebVitalsResponse(await this.repository.query<WebVitalsRow>(plan.query));
  }

  /** Every vital per page, browser or release, sorted and paged as asked. */
  async breakdown(request: ReadRequest<WebVitalsBreakdownInput>): Promise<WebVitalsBreakdownEntry[]> {
    const plan = compileWebVitalsBreakdownQuery({ ...request, ...(await this.rollupTiers.starts()) });
    return toWebVitalsBreakdownResponse(await this.repository.query<WebVitalsBreakdownRow>(plan.query), request.by);
  }

  /** One vital per bucket, every bucket of the range present. */
  async series(request: ReadRequest<WebVitalsSeriesInput>): Promise<WebVitalsSeriesResponse> {
    const plan = compileWebVitalsSeriesQuery({ ...request, ...(await this.rollupTiers.starts()) });
    const rows = await this.repository.query<WebVitalsSeriesRow>(plan.query);
    return toWebVitalsSeriesResponse(rows, request.vital, request.range, plan.intervalMs);
  }
}
