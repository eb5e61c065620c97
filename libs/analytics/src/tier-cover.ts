import type { TimeRange } from './time-range';

/** Where partial rows come from: the per-day, per-hour or per-minute rollup, or raw rows. */
export type Tier = 'day' | 'hour' | 'minute' | 'raw';

/** A rollup tier as the cover sees it: rows of whole steps, complete from `validFromMs` on. */
export interface TierGrid {
  tier: Exclude<Tier, 'raw'>;
  stepMs: number;
  validFromMs: number;
}

/** A part of the range, `[fromMs, toMs)`, and the tier that answers it. */
export interface TierSpan {
  tier: Tier;
  fromMs: number;
  toMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Splits `[fromMs, toMs)` into spans, in time order, that read as few rows as possible: the whole
 * steps of the coarsest grid (from its `validFromMs` on) first, then each remainder at either end
 * by the next grid, down to raw rows for what no grid covers whole. `grids` go coarsest first, and
 * each grid's step must be a multiple of the next one's, so a remainder of a coarse grid starts and
 * ends on the finer grid wherever the range itself does.
 */
export function coverRange(range: TimeRange, grids: readonly TierGrid[]): TierSpan[] {
  if (range.toMs <= range.fromMs) return [];
  const [grid, ...finer] = grids;
  if (grid === undefined) return [{ tier: 'raw', fromMs: range.fromMs, toMs: range.toMs }];
  const fromMs = ceilTo(Math.max(range.fromMs, grid.validFromMs), grid.stepMs);
  const toMs = floorTo(range.toMs, grid.stepMs);
  if (toMs <= fromMs) return coverRange(range, finer);
  return [
    ...coverRange({ fromMs: range.fromMs, toMs: fromMs }, finer),
    { tier: grid.tier, fromMs, toMs },
    ...coverRange({ fromMs: toMs, toMs: range.toMs }, finer),
  ];
}

function ceilTo(ms: number, stepMs: number): number {
  return Math.ceil(ms / stepMs) * stepMs;
}

function floorTo(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}
