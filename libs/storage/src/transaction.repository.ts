import type { ClickHouseClient } from '@clickhouse/client';
import type { TransactionRow } from './transaction.row';

/** Where the consumer writes transactions; tests of consumer logic swap in a fake. */
export abstract class TransactionWriter {
  abstract insert(rows: TransactionRow[]): Promise<void>;
}

export class ClickHouseTransactionWriter extends TransactionWriter {
  constructor(private readonly client: ClickHouseClient) {
    super();
  }

  async insert(rows: TransactionRow[]): Promise<void> {
    if (rows.length === 0) return;
    // wait_for_async_insert is irrelevant: inserts are synchronous and large, one per batch.
    await this.client.insert({ table: 'transactions', values: rows, format: 'JSONEachRow' });
  }
}
