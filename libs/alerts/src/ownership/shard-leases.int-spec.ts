import { FreshDatabase, freshDatabase } from '@pulse/testing';
import { ALERT_SHARDS } from '../rules/rule-rows';
import { ShardLeases } from './shard-leases';

jest.setTimeout(30_000);

const LEASE_MS = 15_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const ALL = Array.from({ length: ALERT_SHARDS }, (_, shard) => shard);

describe('shard leases against a real PostgreSQL', () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshDatabase('h18_shard_leases');
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.pool.query('TRUNCATE alert_shard_leases, alert_instances');
  });

  const instance = (instanceId: string): ShardLeases => new ShardLeases(database.pool, { instanceId, leaseMs: LEASE_MS });
  const rows = async (): Promise<Map<number, string>> => {
    const { rows } = await database.pool.query<{ shard: number; owner: string }>('SELECT shard, owner FROM alert_shard_leases');
    return new Map(rows.map((row) => [row.shard, row.owner]));
  };
  /** No shard is owned by two instances at `nowMs`, and what each owns is leased to it in the table. */
  const expectExclusive = async (nowMs: number, ...instances: ShardLeases[]): Promise<void> => {
    const owners = await rows();
    const seen = new Map<number, string>();
    for (const leases of instances) {
      for (const shard of leases.owned(nowMs)) {
        expect({ shard, owners: [seen.get(shard), leases.instanceId] }).toEqual({ shard, owners: [undefined, leases.instanceId] });
        seen.set(shard, leases.instanceId);
        expect(owners.get(shard)).toBe(leases.instanceId);
      }
    }
  };

  it('lets one instance own every shard and extends its leases on renewal', async () => {
    const a = instance('a');
    expect(await a.renew(T0)).toEqual(ALL);
    expect(a.owned(T0 + LEASE_MS - 1)).toEqual(ALL);
    expect(a.owned(T0 + LEASE_MS)).toEqual([]);
    expect(await a.renew(T0 + 10_000)).toEqual(ALL);
    expect(a.validUntilMs).toBe(T0 + 10_000 + LEASE_MS);
    expect(a.owned(T0 + LEASE_MS + 5_000)).toEqual(ALL);
    const { rows: expiries } = await database.pool.query<{ expires_ms: number }>('SELECT DISTINCT (extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms FROM alert_shard_leases');
    expect(expiries).toEqual([{ expires_ms: T0 + 10_000 + LEASE_MS }]);
  });

  it('splits 32/32 when a second instance joins, never with a shard owned by both', async () => {
    const a = instance('a');
    const b = instance('b');
    const steps: [ShardLeases, number][] = [
      [a, T0],
      [b, T0 + 100],
      [a, T0 + 1_000],
      [b, T0 + 1_100],
      [a, T0 + 2_000],
      [b, T0 + 2_100],
      [b, T0 + 2_200],
      [a, T0 + 3_000],
    ];
    for (const [leases, nowMs] of steps) {
      await leases.renew(nowMs);
      await expectExclusive(nowMs, a, b);
    }
    expect(a.owned(T0 + 3_000)).toEqual(ALL.slice(0, 32));
    expect(b.owned(T0 + 3_000)).toEqual(ALL.slice(32));
  });

  it('gives no shard to two instances when three renew at the same time', async () => {
    const instances = [instance('a'), instance('b'), instance('c')];
    for (let round = 0; round < 4; round++) {
      const nowMs = T0 + round * 1_000;
      await Promise.all(instances.map((leases) => leases.renew(nowMs)));
      await expectExclusive(nowMs, ...instances);
    }
    const counts = instances.map((leases) => leases.owned(T0 + 3_000).length).sort((x, y) => x - y);
    expect(counts).toEqual([20, 22, 22]);
  });

  it('the joining instance waits until the holder has given shards up', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.renew(T0);
    expect(await b.renew(T0 + 100)).toEqual([]);
    expect(await a.renew(T0 + 200)).toEqual(ALL.slice(0, 32));
    expect(await b.renew(T0 + 300)).toEqual(ALL.slice(32));
    await expectExclusive(T0 + 300, a, b);
  });

  it('hands a dead instance’s shards over only after its leases expired', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.renew(T0);
    await b.renew(T0 + 100);
    await a.renew(T0 + 200);
    await b.renew(T0 + 300);
    // a dies after its renewal at T0 + 1_000: it never renews again.
    await a.renew(T0 + 1_000);
    await b.renew(T0 + 1_300);
    for (const nowMs of [T0 + 5_000, T0 + 1_000 + LEASE_MS - 1]) {
      expect(await b.renew(nowMs)).toEqual(ALL.slice(32));
      expect(a.owned(nowMs)).toEqual(ALL.slice(0, 32));
      await expectExclusive(nowMs, a, b);
    }
    // At the instant the leases expire, a has stopped and b may not take them yet.
    const expiry = T0 + 1_000 + LEASE_MS;
    expect(a.owned(expiry)).toEqual([]);
    expect(await b.renew(expiry)).toEqual(ALL.slice(32));
    const after = T0 + 1_000 + LEASE_MS + 1;
    expect(a.owned(after)).toEqual([]);
    expect(await b.renew(after)).toEqual(ALL);
    await expectExclusive(after, a, b);
    const { rows: instances } = await database.pool.query<{ id: string }>('SELECT id FROM alert_instances');
    expect(instances).toEqual([{ id: 'b' }]);
  });

  it('keeps working on its leases while a renewal fails, and stops when they run out', async () => {
    const a = instance('a');
    await a.renew(T0);
    await expect(a.renew(Number.NaN)).rejects.toThrow(/nowMs must be a finite number/);
    await database.pool.query('ALTER TABLE alert_instances RENAME TO alert_instances_away');
    try {
      await expect(a.renew(T0 + 1_000)).rejects.toThrow(/alert_instances/);
    } finally {
      await database.pool.query('ALTER TABLE alert_instances_away RENAME TO alert_instances');
    }
    expect(a.owned(T0 + LEASE_MS - 1)).toEqual(ALL);
    expect(a.owned(T0 + LEASE_MS)).toEqual([]);
    expect((await rows()).size).toBe(ALERT_SHARDS);
  });

  it('release() hands every shard over at once', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.renew(T0);
    await b.renew(T0 + 100);
    await a.renew(T0 + 200);
    await b.renew(T0 + 300);
    await a.release();
    expect(a.owned(T0 + 400)).toEqual([]);
    expect(await b.renew(T0 + 400)).toEqual(ALL);
    await expectExclusive(T0 + 400, a, b);
  });

  it('goes by PostgreSQL’s clock without nowMs and counts its leases on the monotonic clock', async () => {
    const a = instance('a');
    expect(await a.renew()).toEqual(ALL);
    expect(a.owned()).toEqual(ALL);
    const { rows: lease } = await database.pool.query<{ remaining_ms: number }>(
      "SELECT min(extract(epoch FROM expires_at - now()) * 1000)::float8 AS remaining_ms FROM alert_shard_leases WHERE owner = 'a'",
    );
    expect(lease[0].remaining_ms).toBeGreaterThan(0);
    expect(lease[0].remaining_ms).toBeLessThanOrEqual(LEASE_MS);
    const b = instance('b');
    expect(await b.renew()).toEqual([]);
    expect(await a.renew()).toEqual(ALL.slice(0, 32));
    expect(await b.renew()).toEqual(ALL.slice(32));
    await a.release();
    await b.release();
    expect((await rows()).size).toBe(0);
  });

  it('refuses options that cannot work', () => {
    expect(() => new ShardLeases(database.pool, { instanceId: '' })).toThrow(/instanceId/);
    expect(() => new ShardLeases(database.pool, { instanceId: 'a', leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => new ShardLeases(database.pool, { instanceId: 'a', shards: ALERT_SHARDS + 1 })).toThrow(/shards/);
  });
});
