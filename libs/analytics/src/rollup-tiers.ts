import type { RollupStarts } from './aggregate-query';

/**
 * From when the per-hour and per-day rollups hold every row (epoch ms): fixed by migrations 0006
 * and 0009 in `rollup_tiers` and never changed afterwards (docs/storage.md, "Per-hour rollups").
 * A tier left out is unknown: the analytics queries then read the finer tiers only, which is
 * slower, never wrong.
 */
export abstract class RollupTiers {
  abstract starts(): Promise<RollupStarts>;
}

/** How long an unknown start (migration not run yet, ClickHouse unreachable) is kept before asking again. */
export const RETRY_UNKNOWN_MS = 60_000;

const isComplete = (starts: RollupStarts): boolean => starts.hourRollupFromMs !== undefined && starts.dayRollupFromMs !== undefined;

/**
 * Reads the starts once and keeps them: they never change after their migration. While one is
 * unknown, they are asked again at most every RETRY_UNKNOWN_MS (the known ones are answered
 * meanwhile), so an app started before a migration picks its tier up without a restart, and a
 * request never waits on more than one read.
 */
export class CachedRollupTiers extends RollupTiers {
  private known: RollupStarts = {};
  private reading: Promise<RollupStarts> | undefined;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<RollupStarts>,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async starts(): Promise<RollupStarts> {
    if (isComplete(this.known)) return this.known;
    if (this.reading) return this.reading;
    if (this.now() - this.lastAttemptMs < RETRY_UNKNOWN_MS) return this.known;
    this.lastAttemptMs = this.now();
    this.reading = this.read()
      .then((starts) => (this.known = { ...this.known, ...definedOnly(starts) }))
      .catch((error: unknown) => {
        this.onError(error);
        return this.known;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}

/** A start once known stays known: a later read that misses it (it cannot, rows are only appended) changes nothing. */
function definedOnly(starts: RollupStarts): RollupStarts {
  return Object.fromEntries(Object.entries(starts).filter(([, value]) => value !== undefined));
}
