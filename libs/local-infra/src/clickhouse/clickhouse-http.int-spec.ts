import { ClickHouseClient, ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { freePorts } from '@pulse/testing';
import { waitUntil } from '../wait-until';
import { LocalClickHouse } from './local-clickhouse';

// The real server process (compiled main.js over the chdb engine), started the way the project
// starts it, driven by the real @clickhouse/client and by raw HTTP where headers matter.

const root = resolve(__dirname, '..', '..', '..', '..');
const distDir = join(root, 'dist', 'libs', 'local-infra', 'src', 'clickhouse');
const serverEntry = join(distDir, 'main.js');
const MAX_BODY_BYTES = 16 * 1024 * 1024;

jest.setTimeout(30_000);

/** Fails (never skips) when the compiled server is missing or older than its sources. */
function assertBuilt(): void {
  if (!existsSync(serverEntry)) throw new Error(`${serverEntry} does not exist: run npm run build first`);
  for (const file of readdirSync(__dirname)) {
    if (!file.endsWith('.ts') || file.includes('.spec.') || file.includes('.int-spec.')) continue;
    const compiled = join(distDir, file.replace(/\.ts$/, '.js'));
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(__dirname, file)).mtimeMs) {
      throw new Error(`${compiled} is older than ${file}: run npm run build first`);
    }
  }
}

function rawGet(target: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolveGet, reject) => {
    get(target, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolveGet({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

async function expectClickHouseError(promise: Promise<unknown>, code: number, type: string): Promise<ClickHouseError> {
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

describe('ClickHouse HTTP server over the chdb engine', () => {
  const db = `it_${randomBytes(4).toString('hex')}`;
  let stateDir: string;
  let server: LocalClickHouse;
  let client: ClickHouseClient;
  const newClient = (extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient =>
    createClient({ url: server.endpoint, database: db, max_open_connections: 64, log: { level: ClickHouseLogLevel.OFF }, ...extra });
  const url = (params: Record<string, string>): string => `${server.endpoint}/?${new URLSearchParams({ database: db, ...params })}`;

  beforeAll(async () => {
    assertBuilt();
    const [port] = await freePorts(1);
    stateDir = mkdtempSync(join(tmpdir(), 'pulse-clickhouse-'));
    server = new LocalClickHouse({ port, dataDir: join(stateDir, 'data'), serverEntry, env: { CH_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
    await server.start();
    const admin = createClient({ url: server.endpoint, log: { level: ClickHouseLogLevel.OFF } });
    await admin.command({ query: `CREATE DATABASE ${db}` });
    await admin.close();
    client = newClient();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers /ping and / like a server, and the client ping', async () => {
    for (const path of ['/ping', '/']) {
      const response = await fetch(`${server.endpoint}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Ok.\n');
    }
    expect(await client.ping()).toEqual({ success: true });
    expect(await client.ping({ select: true })).toEqual({ success: true });
    expect((await fetch(`${server.endpoint}/nope`)).status).toBe(404);
  });

  it('runs DDL through command() and reports the tables in system.tables', async () => {
    await client.command({
      query: `CREATE TABLE events (id UInt64, ts DateTime64(3), name LowCardinality(String), msg String, dur Float64)
              ENGINE = MergeTree ORDER BY (name, ts)`,
    });
    const rows = await (await client.query({ query: 'SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', query_params: { t: 'events' }, format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ engine: 'MergeTree' }]);
  });

  it('inserts 50k JSONEachRow rows and counts them', async () => {
    const values = Array.from({ length: 50_000 }, (_, i) => ({ id: i, ts: 1_700_000_000_000 + i, name: `n${i % 20}`, msg: `message ${i} "q" \\ '`, dur: i / 7 }));
    const result = await client.insert({ table: 'events', values, format: 'JSONEachRow' });
    expect(result.summary?.written_rows).toBe('50000');
    const [{ c, s }] = await (await client.query({ query: 'SELECT count() AS c, sum(id) AS s FROM events', format: 'JSONEachRow' })).json<{ c: number; s: number }>();
    expect(Number(c)).toBe(50_000);
    expect(Number(s)).toBe((49_999 * 50_000) / 2);
  });

  it('passes RowBinary bodies through byte for byte (newline pairs included), under the URL settings', async () => {
    await client.command({ query: 'CREATE TABLE binary_rows (id UInt64, ts DateTime64(3), s String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 10' });
    // Every byte value, and 0a 0a pairs (chdb's inline insert broke on those), at the start too.
    const text = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    const rows: Buffer[] = [];
    for (let id = 0; id < 300; id++) {
      const row = Buffer.alloc(16);
      row.writeBigUInt64LE(BigInt(id === 0 ? 0x0a0a : id));
      row.writeBigInt64LE(BigInt(1_796_655_942_286 + id), 8);
      const s = Buffer.from(`${text}\n\n${id}`, 'latin1');
      rows.push(row, Buffer.from([s.length & 0x7f | 0x80, s.length >> 7]), s);
    }
    const insert = (token: string) =>
      client.exec({ query: 'INSERT INTO binary_rows (id, ts, s) FORMAT RowBinary', values: Readable.from([Buffer.concat(rows)]), clickhouse_settings: { insert_deduplication_token: token } }).then(async (result) => {
        for await (const _chunk of result.stream) void _chunk;
      });
    await insert('once');
    await insert('once');
    const stored = await (await client.query({ query: 'SELECT count() AS c, toUInt32(sum(id)) AS ids, min(ts) AS first, uniqExact(hex(s)) AS texts, max(length(s)) AS longest FROM binary_rows', format: 'JSONEachRow' })).json<Record<string, string | number>>();
    expect(stored).toEqual([{ c: 300, ids: 0x0a0a + (299 * 300) / 2, first: '2026-12-07 15:05:42.286', texts: 300, longest: 261 }]);
  });

  it('answers in the formats the client asks for', async () => {
    const query = "SELECT number AS n, toString(number) AS s FROM numbers(3) WHERE n < {max:UInt8}";
    const json = await (await client.query({ query, query_params: { max: 2 }, format: 'JSON' })).json<{ n: number; s: string }>();
    expect(json).toMatchObject({ data: [{ n: 0, s: '0' }, { n: 1, s: '1' }], rows: 2, meta: [{ name: 'n', type: 'UInt64' }, { name: 's', type: 'String' }] });
    expect(await (await client.query({ query, query_params: { max: 3 }, format: 'JSONEachRow' })).json()).toEqual([{ n: 0, s: '0' }, { n: 1, s: '1' }, { n: 2, s: '2' }]);
    expect(await (await client.query({ query, query_params: { max: 2 }, format: 'JSONCompactEachRow' })).json()).toEqual([[0, '0'], [1, '1']]);
    expect(await (await client.query({ query, query_params: { max: 2 }, format: 'CSV' })).text()).toBe('0,"0"\n1,"1"\n');
    expect(await (await client.query({ query, query_params: { max: 2 }, format: 'TabSeparated' })).text()).toBe('0\t0\n1\t1\n');
    const exec = await client.exec({ query: 'SELECT 42, {s:String}', query_params: { s: 'x' } });
    expect(Buffer.concat(await exec.stream.toArray()).toString()).toBe('42\tx\n');
  });

  it('binds query parameters of many types; nasty strings come back verbatim', async () => {
    const nasty = [
      "' OR 1=1 --",
      "'); DROP TABLE events; --",
      "\\'; DROP TABLE events; --",
      'back\\slash \\\\ double \\N \\t',
      'tab\there\nnew line\r\ncrlf',
      '{s:String} $$ ` " ;',
      'unicode ✓ 🙂 日本語 ünïcödé',
      '',
    ];
    for (const s of nasty) {
      const [row] = await (await client.query({ query: 'SELECT {s:String} AS s, length({s:String}) AS len', query_params: { s }, format: 'JSONEachRow' })).json<{ s: string; len: number }>();
      expect(row).toEqual({ s, len: Buffer.byteLength(s) });
    }
    // Long values: in the URL (up to the 1 MiB a server accepts) and as multipart/form-data fields.
    const long = `${"x'\\\t".repeat(25_000)}end`;
    const viaUrl = await (await client.query({ query: 'SELECT {s:String} AS s', query_params: { s: long }, format: 'JSONEachRow' })).json<{ s: string }>();
    const viaForm = await (await client.query({ query: 'SELECT {s:String} AS s', query_params: { s: long }, format: 'JSONEachRow', use_multipart_params: true })).json<{ s: string }>();
    expect(viaUrl[0].s === long && viaForm[0].s === long).toBe(true);

    const [hits] = await (await client.query({ query: 'SELECT count() AS c FROM events WHERE msg = {m:String}', query_params: { m: "' OR 1=1 --" }, format: 'JSONEachRow' })).json<{ c: number }>();
    expect(Number(hits.c)).toBe(0);

    const [row] = await (
      await client.query({
        query: `SELECT {i:Int64} AS i, {u:UInt64} AS u, {f:Float64} AS f, {b:Bool} AS b, {d:DateTime64(3)} AS d, {day:Date} AS day,
                       {n:Nullable(String)} AS n, {a:Array(String)} AS a, {an:Array(Nullable(Int32))} AS an,
                       {m:Map(String, UInt8)} AS m, {uuid:UUID} AS uuid, {dec:Decimal(10, 2)} AS dec,
                       (SELECT count() FROM {t:Identifier}) AS rows`,
        query_params: {
          i: -9_007_199_254_740_991,
          u: '18446744073709551615',
          f: 0.125,
          b: true,
          d: new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 123)),
          day: '2024-02-29',
          n: null,
          a: ["x'y", 'z\\', 'tab\tnl\n', "' OR 1=1 --"],
          an: [1, null, 3],
          m: { "k'ey": 1, 'back\\slash': 2 },
          uuid: '01234567-89ab-cdef-0123-456789abcdef',
          dec: '3.14',
          t: 'events',
        },
        clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    expect(row).toEqual({
      i: '-9007199254740991',
      u: '18446744073709551615',
      f: 0.125,
      b: true,
      d: '2024-02-29 23:59:59.123',
      day: '2024-02-29',
      n: null,
      a: ["x'y", 'z\\', 'tab\tnl\n', "' OR 1=1 --"],
      an: [1, null, 3],
      m: { "k'ey": 1, 'back\\slash': 2 },
      uuid: '01234567-89ab-cdef-0123-456789abcdef',
      dec: 3.14,
      rows: '50000',
    });
  });

  it('applies URL settings per query', async () => {
    const tooMany = await expectClickHouseError(
      client.query({ query: 'SELECT number FROM numbers(100)', format: 'JSONEachRow', clickhouse_settings: { max_result_rows: '10', result_overflow_mode: 'throw' } }),
      396,
      'TOO_MANY_ROWS_OR_BYTES',
    );
    expect(tooMany.message).toContain('max rows: 10');
    // The next query of the same client is not affected (a fresh engine session per request).
    expect(await (await client.query({ query: 'SELECT count() AS c FROM (SELECT number FROM numbers(100))', format: 'JSONEachRow' })).json()).toEqual([{ c: 100 }]);

    await expectClickHouseError(
      client.query({ query: 'SELECT count() FROM numbers(10000000000000)', format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 0.3 } }),
      159,
      'TIMEOUT_EXCEEDED',
    );
    const [row] = await (
      await client.query({
        query: "SELECT toDateTime('2024-01-02 03:04:05') AS t, toUInt64(1) AS u, getSetting('max_threads') AS mt",
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_output_format: 'iso', output_format_json_quote_64bit_integers: 1, max_threads: 1 },
      })
    ).json();
    expect(row).toMatchObject({ t: '2024-01-02T03:04:05Z', u: '1' });
    expect(Number((row as { mt: unknown }).mt)).toBe(1);
    await expectClickHouseError(client.query({ query: 'SELECT 1', format: 'JSON', clickhouse_settings: { no_such_setting: 1 } as never }), 115, 'UNKNOWN_SETTING');
  });

  it('reports errors with the real codes, names and HTTP statuses', async () => {
    await expectClickHouseError(client.query({ query: 'SELECT * FROM no_such_table', format: 'JSON' }), 60, 'UNKNOWN_TABLE');
    await expectClickHouseError(client.command({ query: 'SELEC 1' }), 62, 'SYNTAX_ERROR');
    await expectClickHouseError(client.query({ query: 'SELECT no_such_column FROM events', format: 'JSON' }), 47, 'UNKNOWN_IDENTIFIER');
    await expectClickHouseError(client.insert({ table: 'events', values: [{ id: 'not a number' }], format: 'JSONEachRow' }), 27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED');
    const otherDb = newClient({ database: 'no_such_db' });
    await expectClickHouseError(otherDb.query({ query: 'SELECT 1', format: 'JSON' }), 81, 'UNKNOWN_DATABASE');
    await otherDb.close();

    const cases: Array<[string, string, number, number]> = [
      ['SELECT * FROM no_such_table', 'UNKNOWN_TABLE', 60, 404],
      ['SELECT * FROM no_such_db.t', 'UNKNOWN_DATABASE', 81, 404],
      ['SELEC 1', 'SYNTAX_ERROR', 62, 400],
      ["SELECT toInt32('x')", 'CANNOT_PARSE_TEXT', 6, 400],
      ['SELECT 1; DROP TABLE events', 'SYNTAX_ERROR', 62, 400],
    ];
    for (const [sql, name, code, status] of cases) {
      const response = await fetch(url({}), { method: 'POST', body: sql });
      expect({ sql, status: response.status, code: response.headers.get('x-clickhouse-exception-code') }).toEqual({ sql, status, code: String(code) });
      expect(await response.text()).toMatch(new RegExp(`^Code: ${code}\\. DB::Exception: .+\\. \\(${name}\\) \\(version \\d+\\.\\d+.*\\)\\n$`, 's'));
    }
    // A second statement never runs, even hidden in VALUES data.
    const values = await fetch(url({ query: 'INSERT INTO events (id) VALUES' }), { method: 'POST', body: '(1); DROP TABLE events' });
    expect(values.status).toBe(400);
    // GET is read-only.
    const get = await fetch(url({ query: 'INSERT INTO events (id) VALUES (1)' }));
    expect([get.status, get.headers.get('x-clickhouse-exception-code')]).toEqual([500, '164']);
    expect(await (await client.query({ query: 'SELECT count() AS c FROM events', format: 'JSONEachRow' })).json()).toEqual([{ c: 50_000 }]);
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
    await client.command({ query: 'CREATE TABLE csv_in (id UInt32, name String) ENGINE = MergeTree ORDER BY id' });
    const insert = await fetch(url({ query: 'INSERT INTO csv_in FORMAT CSV' }), { method: 'POST', body: '1,"a,b"\n2,"c"\n' });
    expect(insert.status).toBe(200);
    expect(JSON.parse(insert.headers.get('x-clickhouse-summary')!)).toMatchObject({ written_rows: '2' });
    expect((await client.command({ query: "INSERT INTO csv_in VALUES (3, 'x; y'), (4, '(\\')')" })).summary?.written_rows).toBe('2');
    expect(await (await client.query({ query: 'SELECT * FROM csv_in ORDER BY id', format: 'JSONEachRow' })).json()).toEqual([
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
    expect(await client.ping()).toEqual({ success: true });
  });

  it('serves 50 concurrent queries and inserts, each with its own parameters and settings', async () => {
    await client.command({ query: 'CREATE TABLE batches (batch UInt32, i UInt32) ENGINE = MergeTree ORDER BY (batch, i)' });
    const work = Array.from({ length: 50 }, async (_, n) => {
      if (n % 2 === 0) {
        const values = Array.from({ length: 1_000 + n }, (_, i) => ({ batch: n, i }));
        const result = await client.insert({ table: 'batches', values, format: 'JSONEachRow' });
        return result.summary?.written_rows === String(1_000 + n);
      }
      const [row] = await (
        await client.query({
          query: "SELECT {v:String} AS v, getSetting('max_result_rows') AS limit, count() AS c FROM numbers(200000) WHERE number % {m:UInt32} = 0",
          query_params: { v: `query ${n} ' \\`, m: n },
          clickhouse_settings: { max_result_rows: String(1_000 + n) },
          format: 'JSONEachRow',
        })
      ).json<{ v: string; limit: string; c: number }>();
      return row.v === `query ${n} ' \\` && Number(row.limit) === 1_000 + n && Number(row.c) === Math.ceil(200_000 / n);
    });
    expect(await Promise.all(work)).toEqual(Array(50).fill(true));
    const counts = await (await client.query({ query: 'SELECT batch, count() AS c FROM batches GROUP BY batch ORDER BY batch', format: 'JSONEachRow' })).json<{ batch: number; c: number }>();
    expect(counts).toEqual(Array.from({ length: 25 }, (_, k) => ({ batch: 2 * k, c: 1_000 + 2 * k })));
  });

  it('keeps AggregatingMergeTree states written by a materialized view (quantilesTDigest)', async () => {
    await client.command({ query: 'CREATE TABLE spans (ts DateTime64(3), name LowCardinality(String), dur Float64) ENGINE = MergeTree ORDER BY (name, ts)' });
    await client.command({
      query: `CREATE TABLE spans_1m (minute DateTime, name LowCardinality(String), n AggregateFunction(count),
                q AggregateFunction(quantilesTDigest(0.5, 0.95), Float64))
              ENGINE = AggregatingMergeTree ORDER BY (name, minute)`,
    });
    await client.command({
      query: `CREATE MATERIALIZED VIEW spans_1m_mv TO spans_1m AS
              SELECT toStartOfMinute(ts) AS minute, name, countState() AS n, quantilesTDigestState(0.5, 0.95)(dur) AS q
              FROM spans GROUP BY minute, name`,
    });
    for (let part = 0; part < 2; part++) {
      const values = Array.from({ length: 5_000 }, (_, k) => ({ ts: 1_700_000_000_000 + k * 10, name: 'checkout', dur: part * 5_000 + k }));
      await client.insert({ table: 'spans', values, format: 'JSONEachRow' });
    }
    const [row] = await (
      await client.query({
        query: 'SELECT countMerge(n) AS n, quantilesTDigestMerge(0.5, 0.95)(q) AS q FROM spans_1m WHERE name = {name:String}',
        query_params: { name: 'checkout' },
        format: 'JSONEachRow',
      })
    ).json<{ n: number; q: number[] }>();
    expect(Number(row.n)).toBe(10_000);
    expect(row.q[0]).toBeGreaterThan(4_800);
    expect(row.q[0]).toBeLessThan(5_200);
    expect(row.q[1]).toBeGreaterThan(9_300);
    expect(row.q[1]).toBeLessThan(9_700);
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
    const guarded = new LocalClickHouse({ port, dataDir: join(stateDir, 'guarded', 'data'), serverEntry, env: { CH_PASSWORD: 's3cret' } });
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
    const broken = new LocalClickHouse({ port, dataDir: join(stateDir, 'broken', 'data'), serverEntry, env: { CH_MAX_BODY_BYTES: 'lots' } });
    // The message proves the early-exit path; the readiness deadline would say "not ready within".
    await expect(broken.start()).rejects.toThrow(/exited before it was ready \(exit code 1\)[\s\S]*CH_MAX_BODY_BYTES must be an integer/);
    expect(await broken.isRunning()).toBe(false);

    // Same data directory, other port: refused up front instead of fighting over the engine's lock.
    const twin = new LocalClickHouse({ port, dataDir: server.dataDir, serverEntry });
    await expect(twin.start()).rejects.toThrow(`already runs on port ${server.port}`);
    expect(await server.isRunning()).toBe(true);
  });

  it('finishes a query in flight on stop(), and the data survives a restart', async () => {
    const inFlight = client.query({ query: 'SELECT sleep(1) AS s, count() AS c FROM events /* in-flight-at-stop */', format: 'JSONEachRow' });
    const probe = newClient();
    await waitUntil('the query to be running', async () => {
      const running = await probe.query({
        query: "SELECT count() AS c FROM system.processes WHERE query LIKE '%in-flight-at-stop%' AND query NOT LIKE '%system.processes%'",
        format: 'JSONEachRow',
      });
      return Number((await running.json<{ c: number }>())[0].c) === 1;
    });
    await probe.close();
    await server.stop();
    expect(await (await inFlight).json()).toEqual([{ s: 0, c: 50_000 }]);
    expect(await server.isRunning()).toBe(false);
    expect(readFileSync(server.logFile, 'utf8')).not.toMatch(/still running|shutdown failed/);

    await server.start();
    expect(await server.isRunning()).toBe(true);
    const pid = server.runningPid();
    await server.start(); // already running: nothing happens
    expect(server.runningPid()).toBe(pid);
    const after = newClient();
    try {
      const [row] = await (
        await after.query({
          query: `SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM batches) AS batches,
                         (SELECT countMerge(n) FROM spans_1m) AS spans`,
          format: 'JSONEachRow',
        })
      ).json<Record<string, number>>();
      expect(row).toEqual({ events: 50_000, batches: 25 * 1_000 + 2 * (24 * 25) / 2, spans: 10_000 });
    } finally {
      await after.close();
    }
  });
});
