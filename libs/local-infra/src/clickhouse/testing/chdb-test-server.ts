import { ClickHouseClient, ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePorts } from '../../ports';
import { LocalClickHouse } from '../local-clickhouse';

// The real server process (compiled main.js over the chdb engine) for the int-specs of
// libs/local-infra/src/clickhouse, started the way the project starts it, with the helpers they
// share to drive it by the real @clickhouse/client and by raw HTTP where headers matter.

const sourceDir = resolve(__dirname, '..');
const root = resolve(sourceDir, '..', '..', '..', '..');
const distDir = join(root, 'dist', 'libs', 'local-infra', 'src', 'clickhouse');
export const serverEntry = join(distDir, 'main.js');
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Fails (never skips) when the compiled server is missing or older than its sources. */
function assertBuilt(): void {
  if (!existsSync(serverEntry)) throw new Error(`${serverEntry} does not exist: run npm run build first`);
  for (const file of readdirSync(sourceDir)) {
    if (!file.endsWith('.ts') || file.includes('.spec.') || file.includes('.int-spec.')) continue;
    const compiled = join(distDir, file.replace(/\.ts$/, '.js'));
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(sourceDir, file)).mtimeMs) {
      throw new Error(`${compiled} is older than ${file}: run npm run build first`);
    }
  }
}

export interface SuiteServer {
  /** A temporary folder: the server's data under data/, and room for the other servers a test starts. */
  stateDir: string;
  server: LocalClickHouse;
}

/** A server on a free port with a body limit of MAX_BODY_BYTES and an empty database `db`. */
async function startSuiteServer(db: string): Promise<SuiteServer> {
  assertBuilt();
  const [port] = await freePorts(1);
  const stateDir = mkdtempSync(join(tmpdir(), 'pulse-clickhouse-'));
  const server = new LocalClickHouse({ port, dataDir: join(stateDir, 'data'), serverEntry, env: { CH_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  try {
    await server.start();
    const admin = createClient({ url: server.endpoint, log: { level: ClickHouseLogLevel.OFF } });
    await admin.command({ query: `CREATE DATABASE ${db}` });
    await admin.close();
  } catch (error) {
    await stopSuiteServer({ stateDir, server });
    throw error;
  }
  return { stateDir, server };
}

async function stopSuiteServer(suite: SuiteServer | undefined): Promise<void> {
  await suite?.server.stop();
  if (suite) rmSync(suite.stateDir, { recursive: true, force: true });
}

/** A suite's server, its client and the helpers both int-specs drive it with; valid inside its tests. */
export interface SuiteContext extends SuiteServer {
  /** A client of database `db`, closed after the suite. */
  client: ClickHouseClient;
  newClient(extra?: Parameters<typeof createClient>[0]): ClickHouseClient;
  /** The server's HTTP URL with `database=db` and `params` as query parameters. */
  url(params: Record<string, string>): string;
}

/**
 * Starts a suite server with database `db` before the describe block's tests (beforeAll) and stops it
 * after them (afterAll). Read the context's fields inside tests or hooks: before the start they throw.
 */
export function useSuiteServer(db: string): SuiteContext {
  let suite: SuiteServer | undefined;
  let client: ClickHouseClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite server is not started yet: use it inside a test');
    return value;
  };
  const context: SuiteContext = {
    get stateDir() {
      return started(suite).stateDir;
    },
    get server() {
      return started(suite).server;
    },
    get client() {
      return started(client);
    },
    newClient: (extra = {}) => clientOf(started(suite).server, db, extra),
    url: (params) => `${started(suite).server.endpoint}/?${new URLSearchParams({ database: db, ...params })}`,
  };
  beforeAll(async () => {
    suite = await startSuiteServer(db);
    client = context.newClient();
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await stopSuiteServer(suite);
  });
  return context;
}

export function clientOf(server: LocalClickHouse, db: string, extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient {
  return createClient({ url: server.endpoint, database: db, max_open_connections: 64, log: { level: ClickHouseLogLevel.OFF }, ...extra });
}

export function rawGet(target: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolveGet, reject) => {
    get(target, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolveGet({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

export async function expectClickHouseError(promise: Promise<unknown>, code: number, type: string): Promise<ClickHouseError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ClickHouse error ${code} ${type}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  expect(err).toMatchObject({ code: String(code), type });
  return err as ClickHouseError;
}
