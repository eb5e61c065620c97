/**
 * The arithmetic of one lease renewal, apart from the SQL that applies it (shard-leases.ts), so the
 * fairness rules can be read and tested on their own:
 *
 * - the fair share is ceil(shards / live instances): every shard has an owner while each live
 *   instance takes at most its share, and no instance holds more than one shard above another's;
 * - an instance keeps the leases it holds, up to its share, and releases the rest highest shards
 *   first (so the instances agree, without talking, on which shards move when one joins);
 * - it takes free or expired shards, lowest first, until it holds its share. A shard another
 *   instance still holds validly is never a candidate: an instance above its share gives shards
 *   up on its own next renewal, and they are taken on the renewal after that.
 */

export interface LeasePlanInput {
  /** Shards are 0 … shards - 1. */
  shards: number;
  /** Live instances, this one included (at least 1). */
  liveInstances: number;
  /** Shards whose lease row names this instance (valid or expired: nobody took them since). */
  mine: readonly number[];
  /** Shards without a lease row, or whose lease expired, held by another instance. */
  free: readonly number[];
}

export interface LeasePlan {
  share: number;
  /** Own leases to extend, ascending. */
  keep: number[];
  /** Own leases to give up, ascending. */
  release: number[];
  /** Free shards to take, ascending. */
  take: number[];
}

export function fairShare(shards: number, liveInstances: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, got ${shards}`);
  if (!Number.isInteger(liveInstances) || liveInstances < 1) throw new Error(`liveInstances must be a positive integer, got ${liveInstances}`);
  return Math.ceil(shards / liveInstances);
}

export function planLeases(input: LeasePlanInput): LeasePlan {
  const share = fairShare(input.shards, input.liveInstances);
  const inRange = (shard: number): boolean => Number.isInteger(shard) && shard >= 0 && shard < input.shards;
  const ascending = (shards: readonly number[]): number[] => [...new Set(shards)].sort((a, b) => a - b);
  const mine = ascending(input.mine);
  // A shard outside the range (a lease left by an instance configured with more shards) is
  // released: no rule maps to it here.
  const keep = mine.filter(inRange).slice(0, share);
  const kept = new Set(keep);
  const release = mine.filter((shard) => !kept.has(shard));
  const owned = new Set(mine);
  const take = ascending(input.free)
    .filter((shard) => inRange(shard) && !owned.has(shard))
    .slice(0, share - keep.length);
  return { share, keep, release, take };
}
