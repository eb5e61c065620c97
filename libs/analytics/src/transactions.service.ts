import { AnalyticsRepository } from './analytics.repository';
import type { ReadRequest } from './analytics-scope';
import { RollupTiers } from './rollup-tiers';
import { compileTransactionSeries, compileTransactionTable, TransactionSeriesInput, TransactionTableInput } from './transactions.query';
import { Page, TransactionSeries, TransactionSeriesRow, TransactionSummary, TransactionTableRow, toTransactionSeries, toTransactionTable } from './transactions.result';

/** The transaction table (one row per name) and the per-bucket transaction series. */
export class TransactionsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
  ) {}

  async table(request: ReadRequest<TransactionTableInput>): Promise<Page<TransactionSummary>> {
    const plan = compileTransactionTable({ ...request, ...(await this.rollupTiers.starts()) });
    const rows = await this.repository.query<TransactionTableRow>(plan.query);
    return toTransactionTable(rows, request.limit, request.offset);
  }

  async series(request: ReadRequest<TransactionSeriesInput>): Promise<TransactionSeries> {
    const plan = compileTransactionSeries({ ...request, ...(await this.rollupTiers.starts()) });
    const rows = await this.repository.query<TransactionSeriesRow>(plan.query);
    return toTransactionSeries(rows, request.percentiles, request.range, plan.intervalMs, request.byRelease);
  }
}
