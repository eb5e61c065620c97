import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@pulse/state';
import { ALERT_SHARDS } from '../rules/rule-rows';
import { planLeases } from './lease-plan';

/**
 * Which alerts instance evaluates which scheduled rules. Rules are spread over shards by id
 * (rule-rows.ts); each shard is leased in `alert_shard_leases` by one instance, every instance
 * heartbeats in `alert_instances`, and `renew` (called once per scheduler tick) extends the
 * leases an instance keeps, gives up what exceeds its fair share and takes free or expired shards
 * (lease-plan.ts). An instance that dies stops renewing: its heartbeat is forgotten and its
 * leases are taken over once they have expired; `release()` on shutdown hands them over at once.
 *
 * The guarantee: a shard is owned by at most one instance at any instant.
 * - Whose clock. Without `nowMs`, every instant a renewal compares or writes is PostgreSQL's
 *   clock, read once per renewal (`clock_timestamp()` after the lock below): granting and taking
 *   over are judged on the one clock all instances share, so the hosts' clocks may disagree by
 *   any amount. With `nowMs` (tests, which drive time), that instant is used instead, and every
 *   instance on the database must then pass instants of one clock.
 * - The holder's side. A lease written at database instant T expires at T + leaseMs. The holder
 *   counts it valid (`owned()`) from the moment S it started the renewal, which is no later than
 *   T, for leaseMs less 1 % measured on the process's monotonic clock (`performance.now()`, which
 *   NTP steps do not move): it stops working on the shard before the database lets anyone take it
 *   (`expires_at < now`). Only the rates of the two clocks matter, and the 1 % covers a rate
 *   difference a hundred times what real clocks show. `owned(nowMs)` judges by the passed instant
 *   instead: exactly leaseMs from the renewal's `nowMs` (or, without one, its `Date.now()`); with
 *   `nowMs` on both sides the holder stops exactly when the lease expires.
 * - A renewal that fails changes nothing locally beyond dropping the shards it was giving up: the
 *   leases last held stay valid until their own deadline and then stop counting, before others
 *   may take them.
 * - Shards given up in a renewal stop counting locally before the row is deleted, and the
 *   scheduler renews only between evaluations, so no evaluation is running on them.
 *
 * Renewals of all instances are serialized by a transaction-scoped advisory lock: a handful of
 * instances renewing about once a second is nothing for PostgreSQL, and each renewal then sees a
 * consistent picture of instances and leases (no two instances race for the same free shard, no
 * lock-order deadlocks between their statements). The conditional upsert still refuses to take a
 * shard whose lease is valid and not ours, whatever a caller without the lock does.
 */

export interface ShardLeaseOptions {
  /** Unique per running process (host name and pid, or a random id). */
  instanceId: string;
  /** How long a lease and a heartbeat last without renewal (default 15 000 ms). */
  leaseMs?: number;
  /** Shards to spread (default ALERT_SHARDS); every instance must use the same number. */
  shards?: number;
}

/** What the scheduler needs of lease ownership (ShardLeases, or a wrapper around it). */
export interface ShardOwnership {
  renew(nowMs?: number): Promise<number[]>;
  owned(nowMs?: number): number[];
  release(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 15_000;
const MAX_INSTANCE_ID_LENGTH = 200;
/** The part of leaseMs the monotonic deadline gives up against clock rates that differ (see above). */
const CLOCK_RATE_MARGIN = 0.01;

/**
 * The advisory lock renewals take, in the two-int4 key space (which does not overlap the bigint
 * space the issue recorder and the migrations lock in): 0x616c7274 is "alrt".
 */
const RENEWAL_LOCK: readonly [number, number] = [0x616c7274, 1];

export class ShardLeases implements ShardOwnership {
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly shards: number;
  private held: number[] = [];
  /** Until when `held` counts, on the clock of renew's `nowMs` (Date.now() without it). */
  private heldUntilMs = Number.NEGATIVE_INFINITY;
  /** The same deadline on the monotonic clock (see the guarantee above). */
  private heldUntilMonotonicMs = Number.NEGATIVE_INFINITY;
  /** Renewals and the release of one instance run one after another, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    options: ShardLeaseOptions,
  ) {
    const { instanceId, leaseMs = DEFAULT_LEASE_MS, shards = ALERT_SHARDS } = options;
    if (typeof instanceId !== 'string' || instanceId.trim() === '' || instanceId.length > MAX_INSTANCE_ID_LENGTH) {
      throw new Error(`instanceId must be a non-empty string of at most ${MAX_INSTANCE_ID_LENGTH} characters, got ${JSON.stringify(instanceId)}`);
    }
    if (!Number.isInteger(leaseMs) || leaseMs < 1) throw new Error(`leaseMs must be a positive integer, got ${leaseMs}`);
    if (!Number.isInteger(shards) || shards < 1 || shards > ALERT_SHARDS) throw new Error(`shards must be an integer from 1 to ${ALERT_SHARDS}, got ${shards}`);
    this.instanceId = instanceId;
    this.leaseMs = leaseMs;
    this.shards = shards;
  }

  /**
   * Heartbeats, forgets silent instances, applies the fair share and returns the shards this
   * instance owns now (ascending), each valid until `validUntilMs`. `nowMs`: the instant to judge
   * by instead of PostgreSQL's clock (see the guarantee above).
   */
  async renew(nowMs?: number): Promise<number[]> {
    if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new Error(`nowMs must be a finite number, got ${nowMs}`);
    return this.serialized(() => this.renewNow(nowMs));
  }

  /**
   * The shards whose lease still holds: work on these, and only these. Judged at `nowMs` (the
   * clock renew's `nowMs` came from), or without it on the monotonic clock.
   */
  owned(nowMs?: number): number[] {
    const valid = nowMs === undefined ? performance.now() < this.heldUntilMonotonicMs : nowMs < this.heldUntilMs;
    return valid ? [...this.held] : [];
  }

  /** When the current leases stop counting (renew's `nowMs` clock, else Date.now()), or null when none is held. */
  get validUntilMs(): number | null {
    return this.held.length > 0 ? this.heldUntilMs : null;
  }

  /**
   * Gives every lease up and leaves the live instances at once (shutdown): the others take the
   * shards on their next renewal instead of after leaseMs. Local ownership ends first.
   */
  release(): Promise<void> {
    return this.serialized(async () => {
      this.forget();
      await withTransaction(this.pool, async (client) => {
        await lockRenewals(client);
        await client.query('DELETE FROM alert_shard_leases WHERE owner = $1', [this.instanceId]);
        await client.query('DELETE FROM alert_instances WHERE id = $1', [this.instanceId]);
      });
    });
  }

  private async renewNow(nowMs: number | undefined): Promise<number[]> {
    const startedMonotonicMs = performance.now();
    const startedMs = nowMs ?? Date.now();
    const owned = await withTransaction(this.pool, async (client) => {
      await lockRenewals(client);
      const instantMs = nowMs ?? (await databaseNowMs(client));
      const liveInstances = await this.heartbeat(client, instantMs);
      const { rows } = await client.query<{ shard: number; owner: string; expired: boolean }>(
        'SELECT shard, owner, expires_at < to_timestamp($1::float8 / 1000) AS expired FROM alert_shard_leases',
        [instantMs],
      );
      const mine = rows.filter((row) => row.owner === this.instanceId).map((row) => row.shard);
      const leased = new Map(rows.map((row) => [row.shard, row]));
      const free: number[] = [];
      for (let shard = 0; shard < this.shards; shard++) {
        const row = leased.get(shard);
        if (row === undefined || (row.expired && row.owner !== this.instanceId)) free.push(shard);
      }
      const plan = planLeases({ shards: this.shards, liveInstances, mine, free });
      if (plan.release.length > 0) {
        const released = new Set(plan.release);
        this.held = this.held.filter((shard) => !released.has(shard));
        await client.query('DELETE FROM alert_shard_leases WHERE owner = $1 AND shard = ANY($2::int[])', [this.instanceId, plan.release]);
      }
      return this.upsertLeases(client, [...plan.keep, ...plan.take], instantMs);
    });
    this.held = owned;
    this.heldUntilMs = startedMs + this.leaseMs;
    this.heldUntilMonotonicMs = startedMonotonicMs + this.leaseMs * (1 - CLOCK_RATE_MARGIN);
    return [...owned];
  }

  /** Writes this instance's heartbeat, forgets instances silent for longer than leaseMs, and counts the live ones. */
  private async heartbeat(client: PoolClient, instantMs: number): Promise<number> {
    await client.query(
      `INSERT INTO alert_instances (id, heartbeat_at) VALUES ($1, to_timestamp($2::float8 / 1000))
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at`,
      [this.instanceId, instantMs],
    );
    // Only the heartbeat goes: a forgotten instance's leases expire on their own (it may still be
    // working until then), and its heartbeat is older than its leases, so they have by now.
    await client.query('DELETE FROM alert_instances WHERE heartbeat_at < to_timestamp(($1::float8 - $2) / 1000)', [instantMs, this.leaseMs]);
    const { rows } = await client.query<{ live: number }>('SELECT count(*)::int AS live FROM alert_instances');
    return rows[0].live;
  }

  /** Extends the kept leases and takes the free ones; a shard validly leased by another is left alone. */
  private async upsertLeases(client: PoolClient, shards: readonly number[], instantMs: number): Promise<number[]> {
    if (shards.length === 0) return [];
    const { rows } = await client.query<{ shard: number }>(
      `INSERT INTO alert_shard_leases (shard, owner, expires_at)
       SELECT shard, $2, to_timestamp(($3::float8 + $4) / 1000) FROM unnest($1::int[]) AS s(shard) ORDER BY shard
       ON CONFLICT (shard) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE alert_shard_leases.owner = EXCLUDED.owner OR alert_shard_leases.expires_at < to_timestamp($3::float8 / 1000)
       RETURNING shard`,
      [shards, this.instanceId, instantMs, this.leaseMs],
    );
    return rows.map((row) => row.shard).sort((a, b) => a - b);
  }

  private forget(): void {
    this.held = [];
    this.heldUntilMs = Number.NEGATIVE_INFINITY;
    this.heldUntilMonotonicMs = Number.NEGATIVE_INFINITY;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function lockRenewals(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [...RENEWAL_LOCK]);
}

/** PostgreSQL's clock now, read after the lock (a renewal that waited for it judges by the time it got it). */
async function databaseNowMs(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ now_ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms');
  return rows[0].now_ms;
}
