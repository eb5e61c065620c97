import { Inject, Injectable } from '@nestjs/common';
import {
  checkReleaseFilters,
  compareReleases,
  compileReleaseErrors,
  compileReleaseSeries,
  compileReleaseSessions,
  compileReleaseTransactions,
  emptyRelease,
  parsePage,
  QueryParameterError,
  ReleaseComparison,
  ReleaseDetail,
  ReleaseErrorsRow,
  ReleaseHealth,
  ReleaseScope,
  ReleaseSeriesPoint,
  ReleaseSessionsRow,
  ReleaseTransactionsRow,
  toReleaseDetails,
  toReleaseHealth,
  toReleaseSeries,
} from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { AnalyticsRepository } from '../analytics.repository';
import { AnalyticsQueryDto } from '../analytics-query.dto';
import { asBadRequest, parseScope } from '../analytics-scope';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { RollupTiers } from '../rollup-tiers';
import { ReleaseCompareQueryDto, ReleaseSeriesQueryDto } from './releases-query.dto';

const MAX_SERIES_RELEASES = 20;

export interface ReleaseSeries {
  interval_ms: number;
  series: ReleaseSeriesPoint[];
}

@Injectable()
export class ReleasesService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
    private readonly rollupTiers: RollupTiers,
  ) {}

  /** Every release seen in the range, newest first. */
  async list(projectId: number, dto: AnalyticsQueryDto): Promise<ReleaseHealth[]> {
    return (await this.details(await this.scope(projectId, dto))).map(toReleaseHealth);
  }

  /** Both releases' metrics and the change, for canary checks; a release without data has zeros and nulls. */
  async compare(projectId: number, dto: ReleaseCompareQueryDto): Promise<ReleaseComparison> {
    if (dto.base === dto.candidate) throw new ApiError(400, 'base and candidate must differ');
    const scope = { ...(await this.scope(projectId, dto)), releases: [dto.base, dto.candidate] };
    const rows = await this.details(scope);
    const find = (release: string) => rows.find((row) => row.release === release) ?? emptyRelease(release);
    return compareReleases(find(dto.base), find(dto.candidate));
  }

  /** Transactions, errors, error rate and failure rate per bucket for the newest `limit` releases (or the `release` filter). */
  async series(projectId: number, dto: ReleaseSeriesQueryDto): Promise<ReleaseSeries> {
    const scope = await this.scope(projectId, dto);
    const limit = asBadRequest(() => {
      const n = parsePage(dto.limit, undefined, 5).limit;
      if (n > MAX_SERIES_RELEASES) throw new QueryParameterError(`limit must be at most ${MAX_SERIES_RELEASES}`);
      return n;
    });
    const releases = dto.release !== undefined ? [dto.release] : (await this.details(scope)).slice(0, limit).map((row) => row.release);
    const plan = compileReleaseSeries({ ...scope, releases });
    const [transactions, errors] = await Promise.all([
      this.repository.query<{ t: string; release: string; transactions: string; failures: string }>(plan.transactions),
      this.repository.query<{ t: string; release: string; errors: string }>(plan.errors),
    ]);
    return { interval_ms: plan.intervalMs, series: toReleaseSeries(transactions, errors, releases, scope.range, plan.intervalMs) };
  }

  private async scope(projectId: number, dto: AnalyticsQueryDto): Promise<ReleaseScope & { intervalMs: number }> {
    const { range, filters, intervalMs, hourRollupFromMs, dayRollupFromMs } = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    asBadRequest(() => checkReleaseFilters(filters));
    return { projectId, range, filters, intervalMs, hourRollupFromMs, dayRollupFromMs };
  }

  private async details(scope: ReleaseScope): Promise<ReleaseDetail[]> {
    const [transactions, errors, sessions] = await Promise.all([
      this.repository.query<ReleaseTransactionsRow>(compileReleaseTransactions(scope)),
      this.repository.query<ReleaseErrorsRow>(compileReleaseErrors(scope)),
      this.repository.query<ReleaseSessionsRow>(compileReleaseSessions(scope)),
    ]);
    return toReleaseDetails(transactions, errors, sessions);
  }
}
