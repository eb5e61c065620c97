import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { freePorts } from '../ports';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { LocalClickHouse } from './local-clickhouse';
import { expectClickHouseError, MAX_BODY_BYTES, rawGet, serverEntry, useSuiteServer } from './testing/chdb-test-server';

// The real server process (compiled main.js over the chdb engine) as an HTTP server, driven by
// fetch and raw HTTP where headers matter: ping, the X-ClickHouse-* headers, compression both
// ways, the body limit, authentication (and a second server with a password), and start() that
// fails fast. Queries and stored data are in clickhouse-http.int-spec.ts.

jest.setTimeout(30_000);

describe('ClickHouse HTTP server over the chdb engine: HTTP, authentication and start-up', () => {
  const db = `it_${randomBytes(4).toString('hex')}`;
  const suite = useSuiteServer(db);
  const { newClient, url } = suite;

  it('answers /ping and / like a server, and the client ping', async () => {
    for (const path of ['/ping', '/']) {
      const response = await fetch(`${suite.server.endpoint}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Ok.\n');
    }
    expect(await suite.client.ping()).toEqual({ success: true });
    expect(await suite.client.ping({ select: true })).toEqual({ success: true });
    expect((await fetch(`${suite.server.endpoint}/nope`)).status).toBe(404);
  });

  it('sends the X-ClickHouse-* headers', async () => {
    const response = await fetch(url({ query_id: 'my-query-1', param_n: '5' }), { method: 'POST', body: 'SELECT number FROM numbers({n:UInt8}) FORMAT JSONEachRow' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-clickhouse-query-id')).toBe('my-query-1');
    expect(response.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(response.headers.get('x-clickhouse-timezone')).toBe('UTC');
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('x-clickhouse-server-display-name')).toBeTruthy();
    const summary = JSON.parse(response.headers.get('x-clickhouse-summary')!) as Record<string, string>;
    expect(summary).toMatchObject({ result_rows: '5', written_rows: '0' });
    for (const key of ['read_rows', 'read_bytes', 'written_rows', 'written_bytes', 'total_rows_to_read', 'result_rows', 'result_bytes', 'elapsed_ns']) {
      expect(typeof summary[key]).toBe('string');
    }
    expect((await response.text()).split('\n')).toHaveLength(6);

    const generated = await fetch(url({ query: 'SELECT 1' }));
    expect(generated.headers.get('x-clickhouse-query-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(generated.headers.get('x-clickhouse-format')).toBe('TabSeparated');
    await suite.client.command({ query: 'CREATE TABLE csv_in (id UInt32, name String) ENGINE = MergeTree ORDER BY id' });
    const insert = await fetch(url({ query: 'INSERT INTO csv_in FORMAT CSV' }), { method: 'POST', body: '1,"a,b"\n2,"c"\n' });
    expect(insert.status).toBe(200);
    expect(JSON.parse(insert.headers.get('x-clickhouse-summary')!)).toMatchObject({ written_rows: '2' });
    expect((await suite.client.command({ query: "INSERT INTO csv_in VALUES (3, 'x; y'), (4, '(\\')')" })).summary?.written_rows).toBe('2');
    expect(await (await suite.client.query({ query: 'SELECT * FROM csv_in ORDER BY id', format: 'JSONEachRow' })).json()).toEqual([
      { id: 1, name: 'a,b' },
      { id: 2, name: 'c' },
      { id: 3, name: 'x; y' },
      { id: 4, name: "(')" },
    ]);
  });

  it('compresses requests and responses', async () => {
    const gz = newClient({ compression: { request: true, response: true } });
    await gz.command({ query: 'CREATE TABLE gz (k UInt32, v String) ENGINE = MergeTree ORDER BY k' });
    const values = Array.from({ length: 5_000 }, (_, k) => [k, `value ${k}`.repeat(5)]);
    expect((await gz.insert({ table: 'gz', values, format: 'JSONCompactEachRow' })).summary?.written_rows).toBe('5000');
    const result = await gz.query({ query: 'SELECT k, v FROM gz ORDER BY k', format: 'JSONCompactEachRow' });
    expect(result.response_headers['content-encoding']).toBe('gzip');
    expect(await result.json()).toEqual(values);
    await gz.close();

    const raw = await fetch(url({ query: 'SELECT count() FROM gz', enable_http_compression: '1' }), { headers: { 'Accept-Encoding': 'gzip' } });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    const plain = await fetch(url({ query: 'SELECT count() FROM gz' }), { headers: { 'Accept-Encoding': 'gzip' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe('5000\n');

    const gzBody = await fetch(url({ query: 'INSERT INTO gz FORMAT TabSeparated' }), { method: 'POST', headers: { 'Content-Encoding': 'gzip' }, body: gzipSync('100000\tzipped\n') });
    expect(gzBody.status).toBe(200);
    for (const [encoding, body] of [['deflate', deflateSync('100001\tdeflated\n')], ['br', brotliCompressSync('100002\tbrotli\n')]] as const) {
      expect((await fetch(url({ query: 'INSERT INTO gz FORMAT TabSeparated' }), { method: 'POST', headers: { 'Content-Encoding': encoding }, body })).status).toBe(200);
    }
    const br = await rawGet(url({ query: 'SELECT v FROM gz WHERE k > 100000 ORDER BY k', enable_http_compression: '1' }), { 'Accept-Encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe('deflated\nbrotli\n');
    const zstd = await fetch(url({ query: 'INSERT INTO gz FORMAT TabSeparated' }), { method: 'POST', headers: { 'Content-Encoding': 'zstd' }, body: 'x' });
    expect([zstd.status, zstd.headers.get('x-clickhouse-exception-code')]).toEqual([501, '48']);
    const corrupt = await fetch(url({ query: 'INSERT INTO gz FORMAT TabSeparated' }), { method: 'POST', headers: { 'Content-Encoding': 'gzip' }, body: 'not gzip' });
    expect([corrupt.status, corrupt.headers.get('x-clickhouse-exception-code')]).toEqual([500, '354']);
    // fetch() decompresses by itself: look at the bytes on the wire.
    const wire = await rawGet(url({ query: 'SELECT v FROM gz WHERE k = 100000', enable_http_compression: '1' }), { 'Accept-Encoding': 'gzip' });
    expect(wire.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(wire.body).toString()).toBe('zipped\n');
  });

  it('refuses bodies over the limit with 413, compressed or not', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x31);
    const plain = await fetch(url({ query: 'INSERT INTO gz (k) FORMAT TabSeparated' }), { method: 'POST', body: big });
    expect([plain.status, plain.headers.get('x-clickhouse-exception-code')]).toEqual([413, '229']);
    const bomb = await fetch(url({ query: 'INSERT INTO gz (k) FORMAT TabSeparated' }), { method: 'POST', headers: { 'Content-Encoding': 'gzip' }, body: gzipSync(big) });
    expect([bomb.status, bomb.headers.get('x-clickhouse-exception-code')]).toEqual([413, '229']);
    expect(await suite.client.ping()).toEqual({ success: true });
  });

  it('authenticates like a server: Basic, Bearer, X-ClickHouse-User; wrong credentials get 403', async () => {
    const basic = await fetch(url({ query: 'SELECT currentUser()' }), { headers: { Authorization: `Basic ${Buffer.from('default:').toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect((await fetch(url({ query: 'SELECT 1' }), { headers: { Authorization: 'Bearer any-token' } })).status).toBe(200);
    const wrong = await fetch(url({ query: 'SELECT 1' }), { headers: { 'X-ClickHouse-User': 'someone' } });
    expect([wrong.status, wrong.headers.get('x-clickhouse-exception-code')]).toEqual([403, '516']);
    const other = newClient({ username: 'default', password: 'not-the-password' });
    await expectClickHouseError(other.query({ query: 'SELECT 1', format: 'JSON' }), 516, 'AUTHENTICATION_FAILED');
    await other.close();
  });

  it('requires the configured password (CH_PASSWORD): 401 without credentials, 403 with wrong ones', async () => {
    const [port] = await freePorts(1);
    const guarded = new LocalClickHouse({ port, dataDir: join(suite.stateDir, 'guarded', 'data'), serverEntry, env: { CH_PASSWORD: 's3cret' } });
    await guarded.start();
    try {
      const anonymous = await fetch(`${guarded.endpoint}/?query=SELECT+1`);
      expect([anonymous.status, anonymous.headers.get('x-clickhouse-exception-code')]).toEqual([401, '194']);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
      const wrong = await fetch(`${guarded.endpoint}/?query=SELECT+1&user=default&password=nope`);
      expect([wrong.status, wrong.headers.get('x-clickhouse-exception-code')]).toEqual([403, '516']);
      expect((await fetch(`${guarded.endpoint}/?query=SELECT+1`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(403);
      expect((await fetch(`${guarded.endpoint}/?query=SELECT+1`, { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
      const authorized = createClient({ url: guarded.endpoint, password: 's3cret', log: { level: ClickHouseLogLevel.OFF } });
      expect(await (await authorized.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json()).toEqual([{ one: 1 }]);
      await authorized.close();
      expect((await fetch(`${guarded.endpoint}/ping`)).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it('start() fails fast with the log tail when the server cannot start', async () => {
    const [port] = await freePorts(1);
    const broken = new LocalClickHouse({ port, dataDir: join(suite.stateDir, 'broken', 'data'), serverEntry, env: { CH_MAX_BODY_BYTES: 'lots' } });
    // The message proves the early-exit path; the readiness deadline would say "not ready within".
    await expect(broken.start()).rejects.toThrow(/exited before it was ready \(exit code 1\)[\s\S]*CH_MAX_BODY_BYTES must be an integer/);
    expect(await broken.isRunning()).toBe(false);

    // Same data directory, other port: refused up front instead of fighting over the engine's lock.
    const twin = new LocalClickHouse({ port, dataDir: suite.server.dataDir, serverEntry });
    await expect(twin.start()).rejects.toThrow(`already runs on port ${suite.server.port}`);
    expect(await suite.server.isRunning()).toBe(true);
  });
});
