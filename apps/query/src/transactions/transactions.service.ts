import { Inject, Injectable } from '@nestjs/common';
import {
  compileTransactionSeries,
  compileTransactionTable,
  Page,
  parseApdexThreshold,
  parseOrder,
  parsePage,
  parsePercentiles,
  parseSort,
  QueryParameterError,
  TRANSACTION_SORTS,
  TransactionSeries,
  TransactionSeriesRow,
  TransactionSummary,
  TransactionTableRow,
  toTransactionSeries,
  toTransactionTable,
} from '@pulse/analytics';
import { AnalyticsRepository } from '../analytics.repository';
import { asBadRequest, parseScope } from '../analytics-scope';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { RollupTiers } from '../rollup-tiers';
import { TransactionSeriesQueryDto, TransactionTableQueryDto } from './transactions-query.dto';

const MAX_SERIES_RELEASES = 20;

@Injectable()
export class TransactionsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
    private readonly rollupTiers: RollupTiers,
  ) {}

  async table(projectId: number, dto: TransactionTableQueryDto): Promise<Page<TransactionSummary>> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const compiled = asBadRequest(() => {
      const page = parsePage(dto.limit, dto.offset);
      return {
        page,
        plan: compileTransactionTable({
          ...scope,
          apdexThresholdMs: parseApdexThreshold(dto.apdex_threshold),
          sort: parseSort(dto.sort, TRANSACTION_SORTS, 'count'),
          order: parseOrder(dto.order, 'desc'),
          ...page,
        }),
      };
    });
    const rows = await this.repository.query<TransactionTableRow>(compiled.plan.query);
    return toTransactionTable(rows, compiled.page.limit, compiled.page.offset);
  }

  async series(projectId: number, dto: TransactionSeriesQueryDto): Promise<TransactionSeries> {
    const scope = parseScope(projectId, dto, this.limits, await this.rollupTiers.starts());
    const byRelease = dto.group_by === 'release';
    const percentiles = asBadRequest(() => parsePercentiles(dto.percentiles));
    const plan = asBadRequest(() => {
      if (dto.group_by !== undefined && !byRelease) throw new QueryParameterError(`group_by=${JSON.stringify(dto.group_by)} must be release`);
      const limit = parsePage(dto.limit, undefined, 5).limit;
      if (limit > MAX_SERIES_RELEASES) throw new QueryParameterError(`limit must be at most ${MAX_SERIES_RELEASES} with group_by=release`);
      return compileTransactionSeries({ ...scope, percentiles, apdexThresholdMs: parseApdexThreshold(dto.apdex_threshold), byRelease, limit });
    });
    const rows = await this.repository.query<TransactionSeriesRow>(plan.query);
    return toTransactionSeries(rows, percentiles, scope.range, plan.intervalMs, byRelease);
  }
}
