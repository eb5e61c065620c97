import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { INSERT_SETTINGS } from '../row-writer';

/** Rows of one table already encoded in RowBinary, in the order of `columnList`. */
export interface EncodedRows {
  table: string;
  /** `a, b, c`: the columns every row holds, in order (TableEncoder.columnList). */
  columnList: string;
  data: Buffer;
  rows: number;
}

/** Where the consumer writes its encoded rows; tests of consumer logic swap in a fake. */
export abstract class BinaryRowWriter {
  /**
   * Inserts the rows as one insert. Inserting the same rows again under the same `dedupToken` (a
   * redelivered batch) changes nothing: neither the table nor its rollups.
   */
  abstract insert(rows: EncodedRows, dedupToken: string): Promise<void>;
}

/**
 * `INSERT INTO t (columns) FORMAT RowBinary` through `exec`, the bytes as the request body: the
 * server reads fixed-width numbers and length-prefixed strings instead of parsing JSON text and
 * dates, and the client serializes nothing. The settings are the JSON path's (INSERT_SETTINGS,
 * with the batch's deduplication token).
 */
export class ClickHouseBinaryRowWriter extends BinaryRowWriter {
  constructor(private readonly client: ClickHouseClient) {
    super();
  }

  async insert(rows: EncodedRows, dedupToken: string): Promise<void> {
    if (rows.rows === 0) return;
    const result = await this.client.exec({
      query: `INSERT INTO ${rows.table} (${rows.columnList}) FORMAT RowBinary`,
      values: Readable.from([rows.data], { objectMode: false }),
      clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: dedupToken },
    });
    // The answer of an INSERT is empty; reading it to the end frees the connection for reuse.
    for await (const _chunk of result.stream) void _chunk;
  }
}
