import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). The connection always goes back to the pool, except one whose
 * ROLLBACK failed: its state is unknown (it may still be inside the transaction), so it is
 * destroyed rather than handed to the next caller.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost while checked out (server restart, network) emits 'error' on the client,
  // which would crash the process without a listener; the query in flight rejects with it anyway.
  const ignoreLostConnection = (): void => undefined;
  client.on('error', ignoreLostConnection);
  const release = (destroyWith?: Error): void => {
    client.off('error', ignoreLostConnection);
    client.release(destroyWith);
  };
  let result: T;
  try {
    await client.query('BEGIN');
    result = await work(client);
    await client.query('COMMIT');
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      release(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
      throw error;
    }
    release();
    throw error;
  }
  release();
  return result;
}
