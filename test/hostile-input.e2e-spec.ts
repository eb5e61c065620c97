import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { waitUntil } from '@pulse/local-infra';
import { transactionEvent } from '@pulse/testing/fixtures';
import { E2EStack } from './support/e2e-stack';
import { request } from '@pulse/testing';

/**
 * What a hostile client can send to the built apps: each gets a clear 4xx (or its item is dropped
 * and named) and costs nothing else — the good items of the same envelope are stored and
 * queryable, quotas are charged by what was really sent, stalled bodies are cut off, /metrics
 * needs its token.
 */
jest.setTimeout(180_000);

const DEEP = 301;
const QUOTA = 302;
const REQUEST_TIMEOUT_MS = 2000;

const nested = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function spanBatch(spans: number): string {
  const now = Date.now() / 1000;
  const traceId = hex(16);
  const items = Array.from({ length: spans }, (_, i) => ({
    name: `hostile span ${i}`,
    span_id: hex(8),
    trace_id: traceId,
    start_timestamp: now - 1,
    end_timestamp: now,
    is_segment: false,
    status: 'ok',
    attributes: {},
  }));
  return JSON.stringify({ version: 2, items });
}

describe('hostile input', () => {
  const stack = new E2EStack([{ id: DEEP }, { id: QUOTA, rateLimits: { span: { perSecond: 0.01, burst: 5 } } }]);
  const ingestUrl = (id: number, endpoint = 'envelope') => `${stack.app('ingest').url}/api/${id}/${endpoint}/?sentry_key=${stack.project(id).key}`;
  const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) => request<{ id?: string; dropped?: string[]; detail?: string }>(url, { method: 'POST', body, headers });
  const api = (id: number, path: string, body: unknown, token = stack.project(id).token) =>
    request<{ detail?: string; data?: Array<{ n: string }> }>(`${stack.app('query').url}/api/v1/projects/${id}/${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });

  beforeAll(() => stack.start({ HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_HEADERS_TIMEOUT_MS: '1000' }));
  afterAll(() => stack.stop());

  it('drops a 3,000-level item, names it, and stores the valid transaction of the same envelope', async () => {
    const name = `GET /hostile/${hex(4)}`;
    const now = Date.now() / 1000;
    const tx = JSON.stringify(transactionEvent({ event_id: hex(16), transaction: name, start_timestamp: now - 1, timestamp: now }));
    const deepEvent = `{"message":"deep","level":"error","extra":{"x":${nested(3000)}}}`;
    const response = await post(ingestUrl(DEEP), `{}\n{"type":"event"}\n${deepEvent}\n{"type":"transaction"}\n${tx}\n`);
    expect(response.status).toBe(200);
    expect(response.body.dropped).toEqual(['item 0 (event): JSON nested deeper than 128 levels (the limit)']);

    const sql = { sql: 'SELECT count() AS n FROM transactions WHERE name = {name:String}', params: { name }, from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 };
    let stored = 0;
    await waitUntil('the valid transaction to be queryable', async () => {
      const answer = await api(DEEP, 'query', sql);
      expect(answer.status).toBe(200);
      stored = Number(answer.body.data?.[0]?.n ?? 0);
      return stored > 0;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(stored).toBe(1);
    expect(await stack.metricsText('ingest')).toMatch(/pulse_ingest_events_total\{kind="event",outcome="too_deep"[^}]*\} [1-9]/);
  });

  it('answers 400 naming the limit for deep JSON on /store/, in envelope headers, in SQL params and in Grafana bodies', async () => {
    const deepEvent = `{"message":"deep","level":"error","extra":${nested(3000)}}`;
    for (const [what, response, detail] of [
      ['store', post(ingestUrl(DEEP, 'store'), deepEvent), 'invalid event: JSON nested deeper than 128 levels (the limit)'],
      ['store, gzipped', post(ingestUrl(DEEP, 'store'), gzipSync(deepEvent), { 'content-encoding': 'gzip' }), 'invalid event: JSON nested deeper than 128 levels (the limit)'],
      ['envelope header', post(ingestUrl(DEEP), `{"sdk":${nested(200_000)}}\n{"type":"event"}\n{}`), 'envelope header is nested deeper than 128 levels (the limit)'],
      ['SQL params', api(DEEP, 'query', `{"sql":"SELECT 1","from":0,"to":1,"params":{"p":${nested(3000)}}}`), 'the JSON body is nested deeper than 128 levels (the limit)'],
      ['Grafana query', api(DEEP, 'grafana/query', `{"range":{"from":"2026-01-01T00:00:00Z","to":"2026-01-01T01:00:00Z"},"targets":[{"target":"transaction.p95","payload":${nested(3000)}}]}`), 'the JSON body is nested deeper than 128 levels (the limit)'],
      ['Grafana variable', api(DEEP, 'grafana/variable', `{"payload":${nested(3000)}}`), 'the JSON body is nested deeper than 128 levels (the limit)'],
    ] as const) {
      const { status, body } = await response;
      expect({ what, status, detail: body.detail }).toEqual({ what, status: 400, detail });
    }
  });

  it('refuses a span item whose item_count is not its span count, and never charges the quota by it', async () => {
    const bogus = `{"type":"span","item_count":9007199254740991,"content_type":"application/vnd.sentry.items.span.v2+json"}\n${spanBatch(1)}`;
    const alone = await post(ingestUrl(QUOTA), `{}\n${bogus}\n`);
    expect(alone.status).toBe(400);
    expect(alone.body.detail).toBe('item_count 9007199254740991 does not match the 1 spans of the payload');
    const now = Date.now() / 1000;
    const tx = JSON.stringify(transactionEvent({ event_id: hex(16), start_timestamp: now - 1, timestamp: now }));
    const mixed = await post(ingestUrl(QUOTA), `{}\n${bogus}\n{"type":"transaction"}\n${tx}\n`);
    expect(mixed.status).toBe(200);
    expect(mixed.body.dropped).toEqual(['item 0 (span): item_count 9007199254740991 does not match the 1 spans of the payload']);
    // The burst of 5 spans is still whole: the bogus items took nothing.
    const honest = await post(ingestUrl(QUOTA), `{}\n{"type":"span","item_count":5}\n${spanBatch(5)}\n`);
    expect(honest.status).toBe(200);
    // And now it is spent, by the 5 spans really sent.
    expect((await post(ingestUrl(QUOTA), `{}\n{"type":"span","item_count":1}\n${spanBatch(1)}\n`)).status).toBe(429);
    expect(await stack.metricsText('ingest')).toMatch(/pulse_ingest_events_total\{kind="span",outcome="bad_item_count"[^}]*\} 2/);
  });

  it('drops a session aggregate claiming 2^53 sessions', async () => {
    const sessions = JSON.stringify({ aggregates: [{ started: new Date().toISOString(), exited: Number.MAX_SAFE_INTEGER }], attrs: { release: 'hostile@1' } });
    const response = await post(ingestUrl(DEEP), `{}\n{"type":"sessions"}\n${sessions}\n`);
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/exited must be at most 4294967295/);
  });

  it('refuses more mix-ups a client can make, each with its 4xx', async () => {
    const now = Date.now() / 1000;
    const good = `{}\n{"type":"transaction"}\n${JSON.stringify(transactionEvent({ event_id: hex(16), start_timestamp: now - 1, timestamp: now }))}\n`;
    const truncatedGzip = gzipSync(good).subarray(0, 20);
    const otherKey = stack.project(QUOTA).key;
    for (const [what, response, status] of [
      ['two different keys (query and X-Sentry-Auth)', post(ingestUrl(DEEP), good, { 'x-sentry-auth': `Sentry sentry_key=${otherKey}, sentry_version=7` }), 401],
      ['a truncated gzip stream', post(ingestUrl(DEEP), truncatedGzip, { 'content-encoding': 'gzip' }), 400],
      ['a gzip bomb on /store/', post(ingestUrl(DEEP, 'store'), gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }), 413],
      ['a UTF-16 body', post(ingestUrl(DEEP, 'store'), Buffer.from(`\ufeff{"message":"x"}`, 'utf16le')), 400],
      ['invalid UTF-8 in a header', post(ingestUrl(DEEP), Buffer.concat([Buffer.from('{"event_id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')])), 400],
      ['a DSN key on the query API', api(DEEP, 'query', { sql: 'SELECT 1', from: 0, to: 1 }, stack.project(DEEP).key), 401],
      ['an API token as a DSN key', post(`${stack.app('ingest').url}/api/${DEEP}/envelope/?sentry_key=${stack.project(DEEP).token}`, good), 401],
    ] as const) {
      expect({ what, status: (await response).status }).toEqual({ what, status });
    }
  });

  it('closes a request whose body stalls, within the request timeout, and keeps serving others', async () => {
    const port = Number(new URL(stack.app('ingest').url).port);
    const started = Date.now();
    const stalled = new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
      let answer = '';
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /api/${DEEP}/envelope/?sentry_key=${stack.project(DEEP).key} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{}\n{"type":`);
      });
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    });
    const now = Date.now() / 1000;
    const meanwhile = await post(ingestUrl(DEEP), `{}\n{"type":"transaction"}\n${JSON.stringify(transactionEvent({ event_id: hex(16), start_timestamp: now - 1, timestamp: now }))}\n`);
    expect(meanwhile.status).toBe(200);
    const { answer, closedAfterMs } = await stalled;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
  });

  it('serves /metrics only with the metrics token, on every app; /health and /ready stay open', async () => {
    for (const app of ['ingest', 'query', 'consumer']) {
      const url = stack.app(app).url;
      expect({ app, status: (await request(`${url}/metrics`)).status }).toEqual({ app, status: 401 });
      expect({ app, status: (await request(`${url}/metrics`, { headers: { authorization: `Bearer ${stack.project(DEEP).token}` } })).status }).toEqual({ app, status: 401 });
      expect(await stack.metricsText(app)).toMatch(/^# HELP pulse_/m);
      expect({ app, status: (await request(`${url}/health`)).status }).toEqual({ app, status: 200 });
      expect({ app, status: (await request(`${url}/ready`)).status }).toEqual({ app, status: 200 });
    }
  });
});
