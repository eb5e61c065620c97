import { batchHash, recordKey } from './record-identity';
import { ClickHouseRecordKeyStore, RECORD_KEYS_TABLE } from './record-keys';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

const keysOf = (project: number, prefix: string, count: number): bigint[] => Array.from({ length: count }, (_, i) => recordKey(project, `${prefix}${i}`));

describe('ClickHouseRecordKeyStore against the migrated record_keys table', () => {
  let db: MigratedDatabase;
  beforeAll(async () => {
    db = await migratedDatabase('pulse_record_keys');
  });
  afterAll(() => db?.client.close());

  const countKeys = async (kind: string): Promise<number> =>
    Number((await selectRows<{ n: string }>(db.client, `SELECT count() AS n FROM ${RECORD_KEYS_TABLE} WHERE kind = {kind:String}`, { kind }))[0].n);

  it('finds the keys another batch stored (full 128-bit values), not unknown ones, not another kind\'s', async () => {
    const store = new ClickHouseRecordKeyStore(db.client);
    const stored = keysOf(1, 'event-', 50);
    await store.remember('transactions', stored, batchHash('pulse.transactions/0/0-49'), 'pulse.transactions/0/0-49/keys');

    const asked = [...stored.slice(0, 20), ...keysOf(1, 'other-', 20), ...keysOf(2, 'event-', 5)];
    const found = await store.storedByOthers('transactions', asked, batchHash('pulse.transactions/0/50-99'));
    expect([...found].sort()).toEqual(stored.slice(0, 20).sort());
    expect(await store.storedByOthers('errors', stored, batchHash('pulse.errors/0/0-9'))).toEqual(new Set());
  });

  it('does not report a batch\'s own keys to that batch (a replay after a crash), however many it wrote', async () => {
    const store = new ClickHouseRecordKeyStore(db.client);
    const token = 'pulse.spans/1/100-199';
    const own = keysOf(3, 'span-', 30);
    const others = keysOf(3, 'earlier-', 10);
    await store.remember('spans', others, batchHash('pulse.spans/1/0-99'), 'pulse.spans/1/0-99/keys');
    // The first attempt wrote its keys; the replay asks again with the same batch.
    await store.remember('spans', own, batchHash(token), `${token}/keys`);
    const found = await store.storedByOthers('spans', [...own, ...others], batchHash(token));
    expect([...found].sort()).toEqual([...others].sort());
  });

  it('stores a key insert once when it is repeated under its token, and again under another token', async () => {
    const store = new ClickHouseRecordKeyStore(db.client);
    const keys = keysOf(4, 'error-', 40);
    await store.remember('errors', keys, batchHash('pulse.errors/2/0-39'), 'pulse.errors/2/0-39/keys');
    await store.remember('errors', keys, batchHash('pulse.errors/2/0-39'), 'pulse.errors/2/0-39/keys');
    expect(await countKeys('errors')).toBe(40);
    await store.remember('errors', keys.slice(0, 5), batchHash('pulse.errors/2/40-44'), 'pulse.errors/2/40-44/keys');
    expect(await countKeys('errors')).toBe(45);
  });

  it('looks up more keys than fit in one query, chunk by chunk', async () => {
    const store = new ClickHouseRecordKeyStore(db.client, 100);
    const keys = keysOf(5, 'vital-', 1050);
    await store.remember('web-vitals', keys.filter((_, i) => i % 3 === 0), batchHash('a'), 'a/keys');
    const found = await store.storedByOthers('web-vitals', keys, batchHash('b'));
    expect(found.size).toBe(350);
    expect([...found].every((key) => keys.indexOf(key) % 3 === 0)).toBe(true);
  });

  it('answers a lookup from the primary key: only the granules holding the asked keys are read', async () => {
    const store = new ClickHouseRecordKeyStore(db.client);
    await store.remember('sessions', keysOf(6, 'session-', 20_000), batchHash('big'), 'big/keys');
    const asked = keysOf(6, 'session-', 3);
    const plan = await selectRows<{ explain: string }>(
      db.client,
      `EXPLAIN indexes = 1 SELECT key FROM ${RECORD_KEYS_TABLE} WHERE kind = {kind:String} AND key IN {keys:Array(UInt128)}`,
      { kind: 'sessions', keys: asked },
    );
    const text = plan.map((row) => row.explain).join('\n');
    expect(text).toMatch(/PrimaryKey[\s\S]*Keys:[\s\S]*key/);
    // 20,000 keys fill 78 granules of 256 at least; a key lies in one granule of each part at most.
    const [, parts, read] = /Parts: (\d+) \| Granules: (\d+)/.exec(text) ?? [];
    const [, , total] = [...text.matchAll(/Granules: (\d+)\/(\d+)/g)].at(-1) ?? [];
    expect(Number(total)).toBeGreaterThanOrEqual(78);
    expect(Number(read)).toBeLessThanOrEqual(asked.length * Number(parts));
  });
});
