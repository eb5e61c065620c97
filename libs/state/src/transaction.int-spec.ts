import { FreshDatabase, freshDatabase } from '@pulse/testing';
import { checkPostgres, createPostgresPool } from './postgres.pool';
import { withTransaction } from './transaction';

jest.setTimeout(30_000);

describe('the pool and transactions against a real server', () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshDatabase('pulse_pg_tx', { migrate: false });
    await database.pool.query('CREATE TABLE notes (id int PRIMARY KEY, text text NOT NULL)');
  });
  afterAll(() => database.drop());

  const notes = async () => (await database.pool.query<{ id: number }>('SELECT id FROM notes ORDER BY id')).rows.map((row) => row.id);

  it('commits what the work did and returns its result', async () => {
    const result = await withTransaction(database.pool, async (client) => {
      await client.query('INSERT INTO notes (id, text) VALUES ($1, $2)', [1, 'kept']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await notes()).toEqual([1]);
  });

  it('rolls back everything when the work throws, rethrows, and returns the connection', async () => {
    const failure = new Error('work failed');
    await expect(
      withTransaction(database.pool, async (client) => {
        await client.query('INSERT INTO notes (id, text) VALUES ($1, $2)', [2, 'dropped']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(withTransaction(database.pool, (client) => client.query('INSERT INTO notes (id, text) VALUES ($1, $2)', [1, 'duplicate']))).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([1]);
    expect(database.pool.idleCount).toBe(database.pool.totalCount);
  });

  it('destroys a connection whose ROLLBACK failed instead of pooling it', async () => {
    const pool = createPostgresPool({ url: database.url, maxConnections: 1 });
    try {
      const firstPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await expect(
        withTransaction(pool, async (client) => {
          // The server ends this session: neither COMMIT nor ROLLBACK can run on it afterwards.
          await client.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      const secondPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      expect(secondPid).not.toBe(firstPid);
    } finally {
      await pool.end();
    }
  });

  it('checkPostgres answers for a live server and rejects for an unreachable one', async () => {
    await expect(checkPostgres(database.pool)).resolves.toBeUndefined();
    const unreachable = createPostgresPool({ url: 'postgres://pulse:pulse@127.0.0.1:1/pulse' });
    try {
      await expect(checkPostgres(unreachable)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await unreachable.end();
    }
  });

  it('cancels a statement that runs past the statement timeout', async () => {
    const pool = createPostgresPool({ url: database.url, statementTimeoutMs: 100 });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    } finally {
      await pool.end();
    }
  });
});
