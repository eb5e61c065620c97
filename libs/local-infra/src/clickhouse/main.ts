/**
 * The local ClickHouse HTTP server process:
 *   node dist/libs/local-infra/src/clickhouse/main.js --data <dir> [--port 8123] [--host 127.0.0.1]
 * Environment: CH_PORT, CH_HOST, CH_DATA_DIR (flags win), CH_USER / CH_PASSWORD (default
 * `default` / empty), CH_MAX_BODY_BYTES (256 MiB), CH_MAX_CONCURRENT_QUERIES (8) and
 * CH_MAX_QUEUED_QUERIES (1000) for the read lane, CH_MAX_CONCURRENT_WRITES (4) and
 * CH_MAX_QUEUED_WRITES (1000) for the write lane (query-lane.ts), CH_TIMEZONE (UTC),
 * CH_SHUTDOWN_TIMEOUT_MS (25000).
 * SIGTERM/SIGINT: stop accepting, finish the requests in flight, release the engine, exit 0.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChdbEngine } from './chdb-engine';
import { ClickHouseHttpServer } from './clickhouse-http.server';

interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  maxBodyBytes: number;
  maxConcurrent: number;
  maxQueued: number;
  maxConcurrentWrites: number;
  maxQueuedWrites: number;
  user: string;
  password: string;
  shutdownTimeoutMs: number;
}

const USAGE = 'usage: main.js --data <dir> [--port 8123] [--host 127.0.0.1]';

function readConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!['--port', '--host', '--data'].includes(flag) || value === undefined) throw new Error(USAGE);
    flags.set(flag, value);
  }
  const dataDir = flags.get('--data') ?? env.CH_DATA_DIR;
  if (!dataDir) throw new Error(`a data directory is required (--data or CH_DATA_DIR)\n${USAGE}`);
  return {
    port: integer(flags.get('--port') ?? env.CH_PORT, 8123, 'port', 0),
    host: flags.get('--host') ?? env.CH_HOST ?? '127.0.0.1',
    dataDir: resolve(dataDir),
    maxBodyBytes: integer(env.CH_MAX_BODY_BYTES, 256 * 1024 * 1024, 'CH_MAX_BODY_BYTES'),
    maxConcurrent: integer(env.CH_MAX_CONCURRENT_QUERIES, 8, 'CH_MAX_CONCURRENT_QUERIES'),
    maxQueued: integer(env.CH_MAX_QUEUED_QUERIES, 1000, 'CH_MAX_QUEUED_QUERIES', 0),
    maxConcurrentWrites: integer(env.CH_MAX_CONCURRENT_WRITES, 4, 'CH_MAX_CONCURRENT_WRITES'),
    maxQueuedWrites: integer(env.CH_MAX_QUEUED_WRITES, 1000, 'CH_MAX_QUEUED_WRITES', 0),
    user: env.CH_USER || 'default',
    password: env.CH_PASSWORD ?? '',
    shutdownTimeoutMs: integer(env.CH_SHUTDOWN_TIMEOUT_MS, 25_000, 'CH_SHUTDOWN_TIMEOUT_MS'),
  };
}

function integer(value: string | undefined, fallback: number, what: string, min = 1): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be an integer >= ${min}, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2), process.env);
  // Before libchdb loads (ChdbEngine.open imports it): server time zone UTC, like the usual
  // ClickHouse deployment, whatever the developer machine's zone is.
  process.env.TZ = process.env.CH_TIMEZONE || 'UTC';
  // Every engine query holds a libuv pool thread for its whole run (default pool: 4 threads), in
  // either lane, and zlib (request/response compression) shares that pool: a pool smaller than
  // both lanes together would let a full read lane hold back inserts after all.
  process.env.UV_THREADPOOL_SIZE ??= String(config.maxConcurrent + config.maxConcurrentWrites + 4);

  mkdirSync(config.dataDir, { recursive: true });
  const engine = new ChdbEngine({
    dataDir: config.dataDir,
    maxConcurrent: config.maxConcurrent,
    maxQueued: config.maxQueued,
    maxConcurrentWrites: config.maxConcurrentWrites,
    maxQueuedWrites: config.maxQueuedWrites,
  });
  await engine.open();
  const server = new ClickHouseHttpServer({
    engine,
    maxBodyBytes: config.maxBodyBytes,
    user: config.user,
    password: config.password,
  });
  const address = await server.listen(config.port, config.host);
  console.log(`clickhouse-http listening on http://${config.host}:${address.port} data=${config.dataDir}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`clickhouse-http: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    // A query cannot be interrupted inside the engine: past the deadline the process just exits
    // (committed parts are on disk; the running statement is lost, as with a killed server).
    const deadline = setTimeout(() => {
      console.error(`clickhouse-http: requests still running after ${config.shutdownTimeoutMs} ms, exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server
      .close()
      .then(() => engine.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`clickhouse-http: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`clickhouse-http: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
