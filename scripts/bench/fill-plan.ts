import type { ChunkPlan } from '@pulse/testing';

/** Transactions per chunk; each chunk is one insert per table (the other kinds add about 1.5× as many rows). */
export const CHUNK_TRANSACTIONS = 100_000;

/** A layer: what one fill step adds, in time order over the whole window. */
export interface Layer {
  layer: number;
  transactions: number;
  chunks: number;
}

/** What the database holds, per layer, from the bench's own metadata table. */
export interface StoredLayer extends Layer {
  chunksDone: number;
  transactionsDone: number;
}

/**
 * A fill step adds its transactions as one layer over the whole window, in time order: chunk c
 * holds the c-th slice of the window, so each insert covers a couple of hours (as a consumer
 * catching up would), not every minute of the week. After two steps a minute of data came in
 * two inserts, and the rollups merge them as they would merge the consumer's batches.
 */
export function planLayer(layer: number, transactions: number): Layer {
  return { layer, transactions, chunks: Math.max(1, Math.ceil(transactions / CHUNK_TRANSACTIONS)) };
}

export function chunkOf(layer: Layer, index: number, window: { startMs: number; endMs: number }): ChunkPlan {
  const share = (i: number, total: number): number => Math.floor((i * total) / layer.chunks);
  const spanMs = window.endMs - window.startMs;
  return {
    layer: layer.layer,
    index,
    transactions: share(index + 1, layer.transactions) - share(index, layer.transactions),
    fromMs: window.startMs + share(index, spanMs),
    toMs: window.startMs + share(index + 1, spanMs),
  };
}

/** What to do to reach `target` transactions from what is stored. */
export type FillDecision =
  | { kind: 'reuse' }
  | { kind: 'resume'; layer: StoredLayer }
  | { kind: 'add'; layer: Layer }
  | { kind: 'recreate'; reason: string };

export function decideFill(stored: StoredLayer[], target: number): FillDecision {
  const planned = stored.reduce((sum, layer) => sum + layer.transactions, 0);
  const unfinished = stored.find((layer) => layer.chunksDone < layer.chunks);
  if (unfinished) {
    if (unfinished !== stored[stored.length - 1]) return { kind: 'recreate', reason: `layer ${unfinished.layer} is unfinished but not the last one` };
    if (planned === target) return { kind: 'resume', layer: unfinished };
    return { kind: 'recreate', reason: `an interrupted fill towards ${planned.toLocaleString('en-US')} rows, not ${target.toLocaleString('en-US')}` };
  }
  if (planned === target) return { kind: 'reuse' };
  if (planned > target) return { kind: 'recreate', reason: `it holds ${planned.toLocaleString('en-US')} transactions, more than ${target.toLocaleString('en-US')}` };
  return { kind: 'add', layer: planLayer(stored.length, target - planned) };
}
