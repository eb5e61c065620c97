import { ClickHouseRowWriter, Tables } from '@pulse/storage';
import type { BenchDatabase } from './bench-database';
import { ChunkRows, chunkRows, TABLE_ORDER } from './chunk-rows';
import { chunkOf, decideFill, Layer, planLayer } from './fill-plan';
import { round } from './stats';

export interface FillStep {
  targetTransactions: number;
  /** reuse: the kept database already held the target; else what was inserted now. */
  decision: 'reuse' | 'resume' | 'add' | 'recreate';
  chunks: number;
  /** Rows inserted by this step, per table. */
  rowsByTable: Record<string, number>;
  rows: number;
  seconds: number;
  /** All tables' rows ÷ the step's wall time (generation, mapping and inserts overlapped). */
  rowsPerSecond: number;
  transactionsPerSecond: number;
  /** Time spent waiting for inserts, and generating + mapping rows (the two overlap). */
  insertSeconds: number;
  generateSeconds: number;
  /** Rows per table after the step. */
  storedByTable: Record<string, number>;
}

/** Tops the database up to `target` transactions (with the other kinds in proportion), or reuses it. */
export async function fillTo(db: BenchDatabase, target: number, log: (line: string) => void): Promise<FillStep> {
  const found = decideFill(await db.storedLayers(), target);
  if (found.kind === 'recreate') {
    log(`database ${db.connection.database} is dropped and filled again: ${found.reason}`);
    await db.recreate();
  }
  const started = performance.now();
  let inserted: LayerInsert | undefined;
  if (found.kind === 'recreate') inserted = await insertLayer(db, planLayer(0, target), 0, log);
  else if (found.kind === 'resume') inserted = await insertLayer(db, found.layer, found.layer.chunksDone, log);
  else if (found.kind === 'add') inserted = await insertLayer(db, found.layer, 0, log);
  const seconds = (performance.now() - started) / 1000;
  const storedByTable = Object.fromEntries(await Promise.all(TABLE_ORDER.map(async (table) => [table, await db.count(table)] as const)));
  if (storedByTable[Tables.transactions] !== target) {
    throw new Error(`${db.connection.database}.transactions holds ${storedByTable[Tables.transactions]} rows, expected ${target}`);
  }
  const rowsByTable = inserted?.rowsByTable ?? Object.fromEntries(TABLE_ORDER.map((table) => [table, 0]));
  const rows = Object.values(rowsByTable).reduce((a, b) => a + b, 0);
  return {
    targetTransactions: target,
    decision: found.kind,
    chunks: inserted?.chunks ?? 0,
    rowsByTable,
    rows,
    seconds: round(seconds, 1),
    rowsPerSecond: inserted ? Math.round(rows / seconds) : 0,
    transactionsPerSecond: inserted ? Math.round(rowsByTable[Tables.transactions] / seconds) : 0,
    insertSeconds: round((inserted?.insertMs ?? 0) / 1000, 1),
    generateSeconds: round((inserted?.generateMs ?? 0) / 1000, 1),
    storedByTable,
  };
}

interface LayerInsert {
  rowsByTable: Record<string, number>;
  chunks: number;
  insertMs: number;
  generateMs: number;
}

/** Inserts chunks `from`… of a layer, each recorded in the metadata once all five tables hold it. */
async function insertLayer(db: BenchDatabase, layer: Layer, from: number, log: (line: string) => void): Promise<LayerInsert> {
  log(`${from > 0 ? 'resuming' : 'filling'} layer ${layer.layer}: ${layer.transactions.toLocaleString('en-US')} transactions in ${layer.chunks} chunks (from chunk ${from})…`);
  const done: LayerInsert = { rowsByTable: Object.fromEntries(TABLE_ORDER.map((table) => [table, 0])), chunks: 0, insertMs: 0, generateMs: 0 };
  const writer = new ClickHouseRowWriter(db.client);
  const window = db.identity;
  const generate = (index: number) => {
    const rows = chunkRows(window.seed, window.startMs, chunkOf(layer, index, window));
    // Awaited in the loop; this only keeps a failure from being reported as unhandled while an insert runs.
    rows.catch(() => undefined);
    return rows;
  };
  const started = performance.now();
  let lastReport = started;
  let next = generate(from);
  for (let index = from; index < layer.chunks; index++) {
    const { rows, cpuMs } = await next;
    done.generateMs += cpuMs;
    // The next chunk is generated while this one's inserts run (chunkRows yields between slices).
    if (index + 1 < layer.chunks) next = generate(index + 1);
    const insertStarted = performance.now();
    for (const table of TABLE_ORDER) {
      // One token per chunk and table: a chunk inserted again after an interruption is dropped by ClickHouse.
      await writer.insert(table, rows[table], `bench-queries/${layer.layer}/${index}/${table}`);
      done.rowsByTable[table] += rows[table].length;
    }
    done.insertMs += performance.now() - insertStarted;
    await db.recordChunk({ layer: layer.layer, chunk: index, layerChunks: layer.chunks, layerTransactions: layer.transactions, transactions: rows.transactions.length, rows: rowCount(rows) });
    done.chunks++;
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      const inserted = Object.values(done.rowsByTable).reduce((a, b) => a + b, 0);
      log(`  chunk ${index + 1}/${layer.chunks}: ${Math.round(inserted / ((lastReport - started) / 1000)).toLocaleString('en-US')} rows/s so far`);
    }
  }
  return done;
}

function rowCount(rows: ChunkRows): number {
  return TABLE_ORDER.reduce((sum, table) => sum + rows[table].length, 0);
}
