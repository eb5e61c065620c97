/**
 * From when the per-hour rollups hold every row (epoch ms): fixed by migration 0006 in
 * `rollup_tiers` and never changed afterwards (docs/storage.md, "Per-hour rollups"). Undefined
 * while unknown: the analytics queries then read the minute rollups only, which is slower, never
 * wrong.
 */
export abstract class RollupTiers {
  abstract hourRollupFromMs(): Promise<number | undefined>;
}

/** How long an unknown start (migration not run yet, ClickHouse unreachable) is kept before asking again. */
export const RETRY_UNKNOWN_MS = 60_000;

/**
 * Reads the start once and keeps it: it never changes after the migration. While it is unknown,
 * it is asked again at most every RETRY_UNKNOWN_MS, so an app started before the migration picks
 * the hour tier up without a restart, and a request never waits on more than one read.
 */
export class CachedRollupTiers extends RollupTiers {
  private known: number | undefined;
  private reading: Promise<number | undefined> | undefined;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<number | undefined>,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async hourRollupFromMs(): Promise<number | undefined> {
    if (this.known !== undefined) return this.known;
    if (this.reading) return this.reading;
    if (this.now() - this.lastAttemptMs < RETRY_UNKNOWN_MS) return undefined;
    this.lastAttemptMs = this.now();
    this.reading = this.read()
      .then((fromMs) => (this.known = fromMs))
      .catch((error: unknown) => {
        this.onError(error);
        return undefined;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
