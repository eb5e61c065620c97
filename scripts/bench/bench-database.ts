import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseConnection, createClickHouse, migrateUp } from '@pulse/storage';
import { GENERATOR_VERSION } from '@pulse/testing';
import { DAY_MS, DAYS } from './dataset-shape';
import type { StoredLayer } from './fill-plan';

/** Which data the database holds: a kept database is reused only by the same generator, seed and window. */
export interface DatasetIdentity {
  generatorVersion: number;
  seed: number;
  /** The stored window is [startMs, endMs): DAYS days ending when the data set was created. */
  startMs: number;
  endMs: number;
}

/** The bench's own bookkeeping next to Pulse's tables: the data set, and every chunk once all its tables hold it. */
const DATASET_TABLE = 'bench_queries_dataset';
const CHUNKS_TABLE = 'bench_queries_chunks';

export interface ChunkDone {
  layer: number;
  chunk: number;
  layerChunks: number;
  layerTransactions: number;
  transactions: number;
  /** Rows of all five tables. */
  rows: number;
}

/** A migrated Pulse database for the benchmark, with its metadata. */
export class BenchDatabase {
  readonly client: ClickHouseClient;

  private constructor(readonly connection: ClickHouseConnection, readonly identity: DatasetIdentity) {
    this.client = createClickHouse(connection);
  }

  /**
   * Migrates the database (dropping it first unless `keep`) and reads or records its identity.
   * A kept database of another generator version or seed is dropped and made again.
   */
  static async open(connection: ClickHouseConnection, seed: number, keep: boolean, log: (line: string) => void): Promise<BenchDatabase> {
    if (!keep) await dropDatabase(connection);
    await prepare(connection);
    let identity = await readIdentity(connection);
    if (identity && (identity.generatorVersion !== GENERATOR_VERSION || identity.seed !== seed)) {
      log(`database ${connection.database} holds data of generator ${identity.generatorVersion} / seed ${identity.seed}: making it again`);
      await dropDatabase(connection);
      await prepare(connection);
      identity = undefined;
    }
    if (!identity) {
      const endMs = Date.now();
      identity = { generatorVersion: GENERATOR_VERSION, seed, startMs: endMs - DAYS * DAY_MS, endMs };
      await withClient(connection, (client) =>
        client.insert({ table: DATASET_TABLE, values: [{ generator_version: identity!.generatorVersion, seed, start_ms: identity!.startMs, end_ms: identity!.endMs }], format: 'JSONEachRow' }),
      );
    }
    return new BenchDatabase(connection, identity);
  }

  /** Drops and migrates the database again, keeping the identity (same window). */
  async recreate(): Promise<void> {
    await dropDatabase(this.connection);
    await prepare(this.connection);
    const { generatorVersion, seed, startMs, endMs } = this.identity;
    await this.client.insert({ table: DATASET_TABLE, values: [{ generator_version: generatorVersion, seed, start_ms: startMs, end_ms: endMs }], format: 'JSONEachRow' });
  }

  async storedLayers(): Promise<StoredLayer[]> {
    // Aliases differ from the column names: ClickHouse would read an alias inside the other aggregates.
    const rows = await this.select<{ layer: number; planned_chunks: number; planned_transactions: string; chunks_done: string; transactions_done: string }>(`
      SELECT layer, any(layer_chunks) AS planned_chunks, any(layer_transactions) AS planned_transactions, count() AS chunks_done, sum(transactions) AS transactions_done
      FROM ${CHUNKS_TABLE} GROUP BY layer ORDER BY layer`);
    return rows.map((row) => ({
      layer: Number(row.layer),
      chunks: Number(row.planned_chunks),
      transactions: Number(row.planned_transactions),
      chunksDone: Number(row.chunks_done),
      transactionsDone: Number(row.transactions_done),
    }));
  }

  async recordChunk(done: ChunkDone): Promise<void> {
    await this.client.insert({
      table: CHUNKS_TABLE,
      values: [{ layer: done.layer, chunk: done.chunk, layer_chunks: done.layerChunks, layer_transactions: done.layerTransactions, transactions: done.transactions, rows: done.rows }],
      format: 'JSONEachRow',
    });
  }

  async count(table: string): Promise<number> {
    const [row] = await this.select<{ n: string }>(`SELECT count() AS n FROM ${table}`);
    return Number(row.n);
  }

  async select<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return result.json<T>();
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export async function dropDatabase(connection: ClickHouseConnection): Promise<void> {
  await withClient({ ...connection, database: 'default' }, (client) => client.command({ query: `DROP DATABASE IF EXISTS ${quoteName(connection.database)} SYNC` }));
}

async function prepare(connection: ClickHouseConnection): Promise<void> {
  await migrateUp(connection);
  await withClient(connection, async (client) => {
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${DATASET_TABLE} (generator_version UInt32, seed UInt32, start_ms Int64, end_ms Int64) ENGINE = MergeTree ORDER BY tuple()`,
    });
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${CHUNKS_TABLE} (layer UInt32, chunk UInt32, layer_chunks UInt32, layer_transactions UInt64, transactions UInt64, rows UInt64)
              ENGINE = MergeTree ORDER BY (layer, chunk)`,
    });
  });
}

async function readIdentity(connection: ClickHouseConnection): Promise<DatasetIdentity | undefined> {
  return withClient(connection, async (client) => {
    const result = await client.query({ query: `SELECT generator_version, seed, start_ms, end_ms FROM ${DATASET_TABLE} LIMIT 1`, format: 'JSONEachRow' });
    const [row] = await result.json<{ generator_version: number; seed: number; start_ms: string; end_ms: string }>();
    return row ? { generatorVersion: Number(row.generator_version), seed: Number(row.seed), startMs: Number(row.start_ms), endMs: Number(row.end_ms) } : undefined;
  });
}

async function withClient<T>(connection: ClickHouseConnection, work: (client: ClickHouseClient) => Promise<T>): Promise<T> {
  const client = createClickHouse(connection);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function quoteName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be a plain identifier`);
  return name;
}
