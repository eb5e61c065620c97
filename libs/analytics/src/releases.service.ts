import { AnalyticsRepository } from './analytics.repository';
import type { AnalyticsScope } from './analytics-scope';
import { checkReleaseFilters, compileReleaseErrors, compileReleaseSeries, compileReleaseSessions, compileReleaseTransactions, ReleaseScope } from './releases.query';
import {
  compareReleases,
  emptyRelease,
  ReleaseComparison,
  ReleaseDetail,
  ReleaseErrorsRow,
  ReleaseHealth,
  ReleaseSeriesPoint,
  ReleaseSessionsRow,
  ReleaseTransactionsRow,
  toReleaseDetails,
  toReleaseHealth,
  toReleaseSeries,
} from './releases.result';
import { RollupTiers } from './rollup-tiers';

export interface ReleaseComparisonRequest extends AnalyticsScope {
  base: string;
  candidate: string;
}

export interface ReleaseSeriesRequest extends AnalyticsScope {
  /** How many releases, newest first, when the scope has no release filter. */
  limit: number;
}

export interface ReleaseSeries {
  interval_ms: number;
  series: ReleaseSeriesPoint[];
}

/** Release health: per release, per release pair and per bucket. Every method refuses filters other than release and environment. */
export class ReleasesService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
  ) {}

  /** Every release seen in the range, newest first. */
  async list(scope: AnalyticsScope): Promise<ReleaseHealth[]> {
    return (await this.details(await this.releaseScope(scope))).map(toReleaseHealth);
  }

  /** Both releases' metrics and the change, for canary checks; a release without data has zeros and nulls. */
  async compare({ base, candidate, ...scope }: ReleaseComparisonRequest): Promise<ReleaseComparison> {
    const rows = await this.details({ ...(await this.releaseScope(scope)), releases: [base, candidate] });
    const find = (release: string) => rows.find((row) => row.release === release) ?? emptyRelease(release);
    return compareReleases(find(base), find(candidate));
  }

  /** Transactions, errors, error rate and failure rate per bucket for the newest `limit` releases (or the `release` filter). */
  async series({ limit, ...scope }: ReleaseSeriesRequest): Promise<ReleaseSeries> {
    const releaseScope = await this.releaseScope(scope);
    const release = scope.filters.release;
    const releases = release !== undefined ? [release] : (await this.details(releaseScope)).slice(0, limit).map((row) => row.release);
    const plan = compileReleaseSeries({ ...releaseScope, releases });
    const [transactions, errors] = await Promise.all([
      this.repository.query<{ t: string; release: string; transactions: string; failures: string }>(plan.transactions),
      this.repository.query<{ t: string; release: string; errors: string }>(plan.errors),
    ]);
    return { interval_ms: plan.intervalMs, series: toReleaseSeries(transactions, errors, releases, scope.range, plan.intervalMs) };
  }

  private async releaseScope(scope: AnalyticsScope): Promise<ReleaseScope & { intervalMs: number }> {
    const starts = await this.rollupTiers.starts();
    checkReleaseFilters(scope.filters);
    return { ...scope, ...starts };
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
