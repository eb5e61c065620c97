import { Inject, Injectable } from '@nestjs/common';
import {
  compileWebVitalsBreakdownQuery,
  compileWebVitalsQuery,
  compileWebVitalsSeriesQuery,
  parseBreakdownDimension,
  parseBreakdownSort,
  parsePage,
  parseVital,
  toWebVitalsBreakdownResponse,
  toWebVitalsResponse,
  toWebVitalsSeriesResponse,
  WebVitalsBreakdownEntry,
  WebVitalsBreakdownRow,
  WebVitalsResponse,
  WebVitalsRow,
  WebVitalsSeriesResponse,
  WebVitalsSeriesRow,
} from '@pulse/analytics';
import { AnalyticsRepository } from '../analytics.repository';
import { AnalyticsQueryDto } from '../analytics-query.dto';
import { asBadRequest, parseScope } from '../analytics-scope';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { RollupTiers } from '../rollup-tiers';
import { WebVitalsBreakdownQueryDto, WebVitalsSeriesQueryDto } from './web-vitals-query.dto';

@Injectable()
export class WebVitalsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
    private readonly rollupTiers: RollupTiers,
  ) {}

  /** Every vital over the range, and the performance score. */
  async summary(projectId: number, dto: AnalyticsQueryDto): Promise<WebVitalsResponse> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const plan = asBadRequest(() => compileWebVitalsQuery(scope));
    return toWebVitalsResponse(await this.repository.query<WebVitalsRow>(plan.query));
  }

  /** Every vital per page, browser or release, most samples first unless `sort` says otherwise. */
  async breakdown(projectId: number, dto: WebVitalsBreakdownQueryDto): Promise<WebVitalsBreakdownEntry[]> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const plan = asBadRequest(() => {
      const by = parseBreakdownDimension(dto.by);
      return { by, ...compileWebVitalsBreakdownQuery({ ...scope, by, ...parseBreakdownSort(dto.sort, dto.order, by), page: parsePage(dto.limit, dto.offset) }) };
    });
    return toWebVitalsBreakdownResponse(await this.repository.query<WebVitalsBreakdownRow>(plan.query), plan.by);
  }

  /** One vital per bucket, every bucket of the range present. */
  async series(projectId: number, dto: WebVitalsSeriesQueryDto): Promise<WebVitalsSeriesResponse> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const vital = asBadRequest(() => parseVital(dto.vital));
    const plan = asBadRequest(() => compileWebVitalsSeriesQuery({ ...scope, vital }));
    const rows = await this.repository.query<WebVitalsSeriesRow>(plan.query);
    return toWebVitalsSeriesResponse(rows, vital, scope.range, plan.intervalMs);
  }
}
