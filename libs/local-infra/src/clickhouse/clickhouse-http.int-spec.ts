import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { waitUntil } from '../wait-until';
import { expectClickHouseError, useSuiteServer } from './testing/chdb-test-server';

// The real server process (compiled main.js over the chdb engine), driven by the real
// @clickhouse/client: DDL, inserts, formats, parameters, settings, errors, concurrency and
// aggregate states, then a stop with a query in flight and a restart on the same data. The tests
// build on each other's tables and rows, in order. The HTTP side (headers, compression, body
// limit, authentication, start-up failures) is in clickhouse-http-protocol.int-spec.ts.

jest.setTimeout(30_000);

describe('ClickHouse HTTP server over the chdb engine: queries, inserts and stored data', () => {
  const db = `it_${randomBytes(4).toString('hex')}`;
  const suite = useSuiteServer(db);
  const { newClient, url } = suite;

  it('runs DDL through command() and reports the tables in system.tables', async () => {
    await suite.client.command({
      query: `CREATE TABLE events (id UInt64, ts DateTime64(3), name LowCardinality(String), msg String, dur Float64)
              ENGINE = MergeTree ORDER BY (name, ts)`,
    });
    const rows = await (await suite.client.query({ query: 'SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', query_params: { t: 'events' }, format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ engine: 'MergeTree' }]);
  });

  it('inserts 50k JSONEachRow rows and counts them', async () => {
    const values = Array.from({ length: 50_000 }, (_, i) => ({ id: i, ts: 1_700_000_000_000 + i, name: `n${i % 20}`, msg: `message ${i} "q" \\ '`, dur: i / 7 }));
    const result = await suite.client.insert({ table: 'events', values, format: 'JSONEachRow' });
    expect(result.summary?.written_rows).toBe('50000');
    const [{ c, s }] = await (await suite.client.query({ query: 'SELECT count() AS c, sum(id) AS s FROM events', format: 'JSONEachRow' })).json<{ c: number; s: number }>();
    expect(Number(c)).toBe(50_000);
    expect(Number(s)).toBe((49_999 * 50_000) / 2);
  });

  it('passes RowBinary bodies through byte for byte (newline pairs included), under the URL settings', async () => {
    await suite.client.command({ query: 'CREATE TABLE binary_rows (id UInt64, ts DateTime64(3), s String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 10' });
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
      suite.client.exec({ query: 'INSERT INTO binary_rows (id, ts, s) FORMAT RowBinary', values: Readable.from([Buffer.concat(rows)]), clickhouse_settings: { insert_deduplication_token: token } }).then(async (result) => {
        for await (const _chunk of result.stream) void _chunk;
      });
    await insert('once');
    await insert('once');
    const stored = await (await suite.client.query({ query: 'SELECT count() AS c, toUInt32(sum(id)) AS ids, min(ts) AS first, uniqExact(hex(s)) AS texts, max(length(s)) AS longest FROM binary_rows', format: 'JSONEachRow' })).json<Record<string, string | number>>();
    expect(stored).toEqual([{ c: 300, ids: 0x0a0a + (299 * 300) / 2, first: '2026-12-07 15:05:42.286', texts: 300, longest: 261 }]);
  });

  it('answers in the formats the client asks for', async () => {
    const query = "SELECT number AS n, toString(number) AS s FROM numbers(3) WHERE n < {max:UInt8}";
    const json = await (await suite.client.query({ query, query_params: { max: 2 }, format: 'JSON' })).json<{ n: number; s: string }>();
    expect(json).toMatchObject({ data: [{ n: 0, s: '0' }, { n: 1, s: '1' }], rows: 2, meta: [{ name: 'n', type: 'UInt64' }, { name: 's', type: 'String' }] });
    expect(await (await suite.client.query({ query, query_params: { max: 3 }, format: 'JSONEachRow' })).json()).toEqual([{ n: 0, s: '0' }, { n: 1, s: '1' }, { n: 2, s: '2' }]);
    expect(await (await suite.client.query({ query, query_params: { max: 2 }, format: 'JSONCompactEachRow' })).json()).toEqual([[0, '0'], [1, '1']]);
    expect(await (await suite.client.query({ query, query_params: { max: 2 }, format: 'CSV' })).text()).toBe('0,"0"\n1,"1"\n');
    expect(await (await suite.client.query({ query, query_params: { max: 2 }, format: 'TabSeparated' })).text()).toBe('0\t0\n1\t1\n');
    const exec = await suite.client.exec({ query: 'SELECT 42, {s:String}', query_params: { s: 'x' } });
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
      const [row] = await (await suite.client.query({ query: 'SELECT {s:String} AS s, length({s:String}) AS len', query_params: { s }, format: 'JSONEachRow' })).json<{ s: string; len: number }>();
      expect(row).toEqual({ s, len: Buffer.byteLength(s) });
    }
    // Long values: in the URL (up to the 1 MiB a server accepts) and as multipart/form-data fields.
    const long = `${"x'\\\t".repeat(25_000)}end`;
    const viaUrl = await (await suite.client.query({ query: 'SELECT {s:String} AS s', query_params: { s: long }, format: 'JSONEachRow' })).json<{ s: string }>();
    const viaForm = await (await suite.client.query({ query: 'SELECT {s:String} AS s', query_params: { s: long }, format: 'JSONEachRow', use_multipart_params: true })).json<{ s: string }>();
    expect(viaUrl[0].s === long && viaForm[0].s === long).toBe(true);

    const [hits] = await (await suite.client.query({ query: 'SELECT count() AS c FROM events WHERE msg = {m:String}', query_params: { m: "' OR 1=1 --" }, format: 'JSONEachRow' })).json<{ c: number }>();
    expect(Number(hits.c)).toBe(0);

    // Parameters that come back as they were sent.
    const verbatim = {
      n: null,
      a: ["x'y", 'z\\', 'tab\tnl\n', "' OR 1=1 --"],
      an: [1, null, 3],
      m: { "k'ey": 1, 'back\\slash': 2 },
      uuid: '01234567-89ab-cdef-0123-456789abcdef',
    };
    const [row] = await (
      await suite.client.query({
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
          ...verbatim,
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
      ...verbatim,
      dec: 3.14,
      rows: '50000',
    });
  });

  it('applies URL settings per query', async () => {
    const tooMany = await expectClickHouseError(
      suite.client.query({ query: 'SELECT number FROM numbers(100)', format: 'JSONEachRow', clickhouse_settings: { max_result_rows: '10', result_overflow_mode: 'throw' } }),
      396,
      'TOO_MANY_ROWS_OR_BYTES',
    );
    expect(tooMany.message).toContain('max rows: 10');
    // The next query of the same client is not affected (a fresh engine session per request).
    expect(await (await suite.client.query({ query: 'SELECT count() AS c FROM (SELECT number FROM numbers(100))', format: 'JSONEachRow' })).json()).toEqual([{ c: 100 }]);

    await expectClickHouseError(
      suite.client.query({ query: 'SELECT count() FROM numbers(10000000000000)', format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 0.3 } }),
      159,
      'TIMEOUT_EXCEEDED',
    );
    const [row] = await (
      await suite.client.query({
        query: "SELECT toDateTime('2024-01-02 03:04:05') AS t, toUInt64(1) AS u, getSetting('max_threads') AS mt",
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_output_format: 'iso', output_format_json_quote_64bit_integers: 1, max_threads: 1 },
      })
    ).json();
    expect(row).toMatchObject({ t: '2024-01-02T03:04:05Z', u: '1' });
    expect(Number((row as { mt: unknown }).mt)).toBe(1);
    await expectClickHouseError(suite.client.query({ query: 'SELECT 1', format: 'JSON', clickhouse_settings: { no_such_setting: 1 } as never }), 115, 'UNKNOWN_SETTING');
  });

  it('reports errors with the real codes, names and HTTP statuses', async () => {
    await expectClickHouseError(suite.client.query({ query: 'SELECT * FROM no_such_table', format: 'JSON' }), 60, 'UNKNOWN_TABLE');
    await expectClickHouseError(suite.client.command({ query: 'SELEC 1' }), 62, 'SYNTAX_ERROR');
    await expectClickHouseError(suite.client.query({ query: 'SELECT no_such_column FROM events', format: 'JSON' }), 47, 'UNKNOWN_IDENTIFIER');
    await expectClickHouseError(suite.client.insert({ table: 'events', values: [{ id: 'not a number' }], format: 'JSONEachRow' }), 27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED');
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
    expect(await (await suite.client.query({ query: 'SELECT count() AS c FROM events', format: 'JSONEachRow' })).json()).toEqual([{ c: 50_000 }]);
  });

  it('serves 50 concurrent queries and inserts, each with its own parameters and settings', async () => {
    await suite.client.command({ query: 'CREATE TABLE batches (batch UInt32, i UInt32) ENGINE = MergeTree ORDER BY (batch, i)' });
    const work = Array.from({ length: 50 }, async (_, n) => {
      if (n % 2 === 0) {
        const values = Array.from({ length: 1_000 + n }, (_, i) => ({ batch: n, i }));
        const result = await suite.client.insert({ table: 'batches', values, format: 'JSONEachRow' });
        return result.summary?.written_rows === String(1_000 + n);
      }
      const [row] = await (
        await suite.client.query({
          query: "SELECT {v:String} AS v, getSetting('max_result_rows') AS limit, count() AS c FROM numbers(200000) WHERE number % {m:UInt32} = 0",
          query_params: { v: `query ${n} ' \\`, m: n },
          clickhouse_settings: { max_result_rows: String(1_000 + n) },
          format: 'JSONEachRow',
        })
      ).json<{ v: string; limit: string; c: number }>();
      return row.v === `query ${n} ' \\` && Number(row.limit) === 1_000 + n && Number(row.c) === Math.ceil(200_000 / n);
    });
    expect(await Promise.all(work)).toEqual(Array(50).fill(true));
    const counts = await (await suite.client.query({ query: 'SELECT batch, count() AS c FROM batches GROUP BY batch ORDER BY batch', format: 'JSONEachRow' })).json<{ batch: number; c: number }>();
    expect(counts).toEqual(Array.from({ length: 25 }, (_, k) => ({ batch: 2 * k, c: 1_000 + 2 * k })));
  });

  it('keeps AggregatingMergeTree states written by a materialized view (quantilesTDigest)', async () => {
    await suite.client.command({ query: 'CREATE TABLE spans (ts DateTime64(3), name LowCardinality(String), dur Float64) ENGINE = MergeTree ORDER BY (name, ts)' });
    await suite.client.command({
      query: `CREATE TABLE spans_1m (minute DateTime, name LowCardinality(String), n AggregateFunction(count),
                q AggregateFunction(quantilesTDigest(0.5, 0.95), Float64))
              ENGINE = AggregatingMergeTree ORDER BY (name, minute)`,
    });
    await suite.client.command({
      query: `CREATE MATERIALIZED VIEW spans_1m_mv TO spans_1m AS
              SELECT toStartOfMinute(ts) AS minute, name, countState() AS n, quantilesTDigestState(0.5, 0.95)(dur) AS q
              FROM spans GROUP BY minute, name`,
    });
    for (let part = 0; part < 2; part++) {
      const values = Array.from({ length: 5_000 }, (_, k) => ({ ts: 1_700_000_000_000 + k * 10, name: 'checkout', dur: part * 5_000 + k }));
      await suite.client.insert({ table: 'spans', values, format: 'JSONEachRow' });
    }
    const [row] = await (
      await suite.client.query({
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

  it('finishes a query in flight on stop(), and the data survives a restart', async () => {
    const inFlight = suite.client.query({ query: 'SELECT sleep(1) AS s, count() AS c FROM events /* in-flight-at-stop */', format: 'JSONEachRow' });
    const probe = newClient();
    await waitUntil('the query to be running', async () => {
      const running = await probe.query({
        query: "SELECT count() AS c FROM system.processes WHERE query LIKE '%in-flight-at-stop%' AND query NOT LIKE '%system.processes%'",
        format: 'JSONEachRow',
      });
      return Number((await running.json<{ c: number }>())[0].c) === 1;
    });
    await probe.close();
    await suite.server.stop();
    expect(await (await inFlight).json()).toEqual([{ s: 0, c: 50_000 }]);
    expect(await suite.server.isRunning()).toBe(false);
    expect(readFileSync(suite.server.logFile, 'utf8')).not.toMatch(/still running|shutdown failed/);

    await suite.server.start();
    expect(await suite.server.isRunning()).toBe(true);
    const pid = suite.server.runningPid();
    await suite.server.start(); // already running: nothing happens
    expect(suite.server.runningPid()).toBe(pid);
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
