import { Pool } from 'pg';

/**
 * The one way Pulse opens PostgreSQL: a pool with bounded waits. A statement that runs longer than
 * `statementTimeoutMs` is cancelled by the server (a stuck query must not hold a connection and a
 * row lock forever), and taking a connection gives up after CONNECT_TIMEOUT_MS (an unreachable
 * server fails a request or a readiness check instead of hanging it).
 */
export interface PostgresPoolOptions {
  /** `postgres://user:password@host:port/database` (DATABASE_URL). */
  url: string;
  /** Connections the pool opens at most (default 10). */
  maxConnections?: number;
  /** The server cancels a statement that runs longer (default 30 s; 0: no limit). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity: which process holds a connection. */
  applicationName?: string;
  /**
   * Told about an error on an idle connection (the server restarted, the network dropped it). The
   * pool has already discarded that connection and opens a new one when next asked; a query that
   * was using it fails on its own. Default: ignored, for the reason just given.
   */
  onIdleClientError?: (error: Error) => void;
}

/** How long taking a connection (connecting, or waiting for a free one) may take. */
export const CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_CONNECTIONS = 10;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export function createPostgresPool(options: PostgresPoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Sent at connection start-up, so it is the session default (`RESET statement_timeout` returns to it).
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'pulse',
  });
  // Without a listener, an 'error' event (emitted for an idle client that lost its connection)
  // would be thrown and crash the process. The pool removes that client itself.
  const onIdleClientError = options.onIdleClientError;
  pool.on('error', (error) => onIdleClientError?.(error));
  return pool;
}

/** A real round trip (`SELECT 1`): for readiness checks. Rejects when the server cannot answer. */
export async function checkPostgres(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
