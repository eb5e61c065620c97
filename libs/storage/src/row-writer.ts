import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';

/** Where the consumer writes rows; tests of consumer logic swap in a fake. */
export abstract class RowWriter {
  /**
   * Inserts `rows` into `table` as one insert. Inserting the same rows again under the same
   * `dedupToken` (a redelivered batch) changes nothing: neither the table nor its rollups.
   */
  abstract insert(table: string, rows: readonly object[], dedupToken: string): Promise<void>;
}

/**
 * - insert_deduplication_token, insert_deduplicate: a block whose token the table has seen within
 *   its deduplication window is dropped (the tables set non_replicated_deduplication_window;
 *   Replicated tables keep block ids in Keeper);
 * - deduplicate_blocks_in_dependent_materialized_views: the rollups the materialized views fill
 *   drop that block too, so a redelivery is not counted twice there either;
 * - async_insert 0: the server may default to async inserts (chdb 26 does); ours are large, and
 *   the consumer commits offsets only once the rows are really written;
 * - distributed_foreground_insert: on a cluster, the insert into the Distributed table returns
 *   only when every shard has its rows (and has deduplicated them), not when they are spooled;
 * - max_partitions_per_insert_block 0: a batch spans at most ~32 days (ingest drops older
 *   records) times the few retentions of its projects; the default limit of 100 partitions would
 *   fail such a batch on every retry;
 * - input_format_json_throw_on_bad_escape_sequence 0: a JS string may hold a lone UTF-16
 *   surrogate (from the SDK's JSON or a cut mid-pair), which JSON.stringify writes as `\udXXX`;
 *   ClickHouse keeps that escape as text instead of rejecting the row.
 */
export const INSERT_SETTINGS: Readonly<ClickHouseSettings> = {
  insert_deduplicate: 1,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  async_insert: 0,
  distributed_foreground_insert: 1,
  max_partitions_per_insert_block: '0',
  input_format_json_throw_on_bad_escape_sequence: 0,
};

export class ClickHouseRowWriter extends RowWriter {
  constructor(private readonly client: ClickHouseClient) {
    super();
  }

  async insert(table: string, rows: readonly object[], dedupToken: string): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({
      table,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: dedupToken },
    });
  }
}
