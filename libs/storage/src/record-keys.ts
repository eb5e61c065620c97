import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { INSERT_SETTINGS } from './row-writer';

/** The table of stored record keys (0007_record_keys.sql); on a cluster, its Distributed table. */
export const RECORD_KEYS_TABLE = 'record_keys';

/**
 * How long a stored key is kept at least: a record sent again within this time of the first
 * receipt is stored once. The table's TTL (one day, whole daily parts) keeps keys 24 to 48 hours;
 * this is the lower bound the docs promise.
 */
export const RECORD_KEY_WINDOW_HOURS = 24;

/**
 * Most keys per lookup query. The keys travel as a query parameter, i.e. in the URL, which
 * ClickHouse caps at 1 MiB (`http_max_uri_size`); a UInt128 in decimal is up to 39 digits plus
 * an escaped comma, so 5,000 keys take about 210 KB.
 */
export const LOOKUP_CHUNK_KEYS = 5000;

/** Where the consumer remembers which records it stored; tests of consumer logic swap in a fake. */
export abstract class RecordKeyStore {
  /**
   * The subset of `keys` (of one record kind) that some other batch stored within the window.
   * Keys that `batch` itself stored, in an earlier attempt that crashed before committing, are not
   * in it: the replay must insert exactly what the first attempt inserted.
   */
  abstract storedByOthers(kind: string, keys: readonly bigint[], batch: bigint): Promise<Set<bigint>>;

  /**
   * Remembers that `batch` stored the records of `keys`, as one insert. Doing it again under the
   * same `dedupToken` changes nothing.
   */
  abstract remember(kind: string, keys: readonly bigint[], batch: bigint, dedupToken: string): Promise<void>;
}

/**
 * The lookup is a primary-key read (`ORDER BY (kind, key)`, `key IN` a bound array). `GROUP BY
 * key HAVING` keeps a key only when no row of it belongs to the asking batch, so a replayed batch
 * never sees its own keys as duplicates, however many of them its first attempt wrote.
 */
export class ClickHouseRecordKeyStore extends RecordKeyStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly chunkKeys = LOOKUP_CHUNK_KEYS,
  ) {
    super();
  }

  async storedByOthers(kind: string, keys: readonly bigint[], batch: bigint): Promise<Set<bigint>> {
    const found = new Set<bigint>();
    for (let start = 0; start < keys.length; start += this.chunkKeys) {
      const result = await this.client.query({
        // The decimal text, because JSON gives a UInt128 as a float; not aliased `key`, which
        // would replace the column in the WHERE clause too.
        query: `SELECT toString(key) AS stored_key FROM ${RECORD_KEYS_TABLE}
                WHERE kind = {kind:String} AND key IN {keys:Array(UInt128)}
                GROUP BY key HAVING countIf(batch = {batch:UInt64}) = 0`,
        query_params: { kind, keys: keys.slice(start, start + this.chunkKeys), batch },
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ stored_key: string }>()) found.add(BigInt(row.stored_key));
    }
    return found;
  }

  /**
   * `received_at` is the server's `now()`, one value per insert: one partition, one block. The
   * rows go in RowBinary (`kind` String, `key` UInt128 little-endian, `batch` UInt64): 41 bytes a
   * key for the kinds' names, and no JSON objects or decimal text per key.
   */
  async remember(kind: string, keys: readonly bigint[], batch: bigint, dedupToken: string): Promise<void> {
    if (keys.length === 0) return;
    const result = await this.client.exec({
      query: `INSERT INTO ${RECORD_KEYS_TABLE} (kind, key, batch) FORMAT RowBinary`,
      values: Readable.from([recordKeyRows(kind, keys, batch)], { objectMode: false }),
      clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: dedupToken },
    });
    // The answer of an INSERT is empty; reading it to the end frees the connection for reuse.
    for await (const _chunk of result.stream) void _chunk;
  }
}

const LOW_64 = (1n << 64n) - 1n;

/** The rows `(kind, key, batch)` of `keys` in RowBinary. */
export function recordKeyRows(kind: string, keys: readonly bigint[], batch: bigint): Buffer {
  const kindBytes = Buffer.from(kind, 'utf8');
  if (kindBytes.length > 127) throw new Error(`record kind ${kind} is too long`);
  const rowBytes = 1 + kindBytes.length + 16 + 8;
  const out = Buffer.allocUnsafe(rowBytes * keys.length);
  let position = 0;
  for (const key of keys) {
    out[position++] = kindBytes.length;
    position += kindBytes.copy(out, position);
    position = out.writeBigUInt64LE(key & LOW_64, position);
    position = out.writeBigUInt64LE(key >> 64n, position);
    position = out.writeBigUInt64LE(batch, position);
  }
  return out;
}
