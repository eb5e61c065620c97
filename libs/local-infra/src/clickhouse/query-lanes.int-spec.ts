import { ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { freePorts } from '../ports';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitUntil } from '../wait-until';
import { LocalClickHouse } from './local-clickhouse';

// The real server process with a small read lane: reads that fill it do not hold back an INSERT
// or the apps' own statements (write lane), and a read past its queue is refused as a real server
// refuses past max_concurrent_queries.

const root = resolve(__dirname, '..', '..', '..', '..');
const distDir = join(root, 'dist', 'libs', 'local-infra', 'src', 'clickhouse');
const serverEntry = join(distDir, 'main.js');

jest.setTimeout(60_000);

/** Fails (never skips) when the compiled server is missing or older than the lanes' sources. */
function assertBuilt(): void {
  for (const file of ['main', 'chdb-engine', 'clickhouse-http.server', 'query-lane']) {
    const compiled = join(distDir, `${file}.js`);
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(__dirname, `${file}.ts`)).mtimeMs) {
      throw new Error(`${compiled} is missing or older than ${file}.ts: run npm run build first`);
    }
  }
}

describe('local ClickHouse read and write lanes', () => {
  const db = 'lanes';
  let stateDir: string;
  let server: LocalClickHouse;
  let client: ClickHouseClient;

  beforeAll(async () => {
    assertBuilt();
    const [port] = await freePorts(1);
    stateDir = mkdtempSync(join(tmpdir(), 'pulse-clickhouse-lanes-'));
    server = new LocalClickHouse({
      port,
      dataDir: join(stateDir, 'data'),
      serverEntry,
      env: { CH_MAX_CONCURRENT_QUERIES: '4', CH_MAX_QUEUED_QUERIES: '0', CH_MAX_CONCURRENT_WRITES: '2' },
    });
    await server.start();
    client = createClient({ url: server.endpoint, max_open_connections: 32, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } });
    await client.command({ query: `CREATE DATABASE ${db}` });
    await client.command({ query: `CREATE TABLE ${db}.t (id UInt64) ENGINE = MergeTree ORDER BY id` });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs an INSERT and an unmarked statement while the read lane is full, and refuses reads past it', async () => {
    const finished: string[] = [];
    // Each read sleeps 3 s in each of 3 one-row blocks: the read lane is full for about 9 s, and
    // its 4 reads hold 4 threads of the libuv pool, all of Node's default pool.
    const reads = Array.from({ length: 4 }, (_, i) =>
      client
        .query({
          query: 'SELECT sleep(3) AS lanes_sleep FROM numbers(3)',
          format: 'JSONEachRow',
          clickhouse_settings: { readonly: '2', max_block_size: '1' },
        })
        .then((result) => result.json())
        .then(() => finished.push(`read ${i}`)),
    );
    await waitUntil('the four reads to run', async () => {
      const [row] = await (
        await client.query({
          query: "SELECT count() AS n FROM system.processes WHERE query LIKE '%lanes_sleep%' AND query NOT LIKE '%system.processes%'",
          format: 'JSONEachRow',
        })
      ).json<{ n: number | string }>();
      return Number(row.n) === 4;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    const refused = await client.query({ query: 'SELECT 1', format: 'JSONEachRow', clickhouse_settings: { readonly: '2' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ type: 'TOO_MANY_SIMULTANEOUS_QUERIES' });

    await client.insert({ table: `${db}.t`, values: [{ id: 1 }, { id: 2 }], format: 'JSONEachRow' });
    finished.push('insert');
    // A readiness-style SELECT without readonly runs in the write lane too.
    const count = await (await client.query({ query: `SELECT toString(count()) AS n FROM ${db}.t`, format: 'JSONEachRow' })).json<{ n: string }>();
    finished.push('unmarked select');
    expect(count).toEqual([{ n: '2' }]);

    await Promise.all(reads);
    // The order the answers came back in: the write lane did not wait for any read.
    expect(finished.slice(0, 2)).toEqual(['insert', 'unmarked select']);
    expect(finished).toHaveLength(6);
  });
});

