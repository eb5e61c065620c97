import { TopicNames } from '@pulse/kafka';
import type { ErrorRecord, SpanRecord, TransactionRecord } from '@pulse/model';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { runBrowserScenario } from './sdk/browser-scenarios';
import { listRecordedFixtures, loadRecordedFixture, replayFixtureRequest } from './sdk/fixtures';
import { runNodeScenario } from './sdk/node-scenarios';
import { startRecordingServer, RecordingServer } from './sdk/recording-server';
import { transactionEvent } from '@pulse/testing/fixtures';
import { E2EStack } from './support/e2e-stack';
import { request } from '@pulse/testing';
import { KafkaRecordReader } from './support/kafka-reader';

/**
 * The real SDKs (and their recorded requests) against the ingest service; records are read back
 * from Kafka with the consumer's codec and compared field by field.
 */
jest.setTimeout(240_000);

const NODE_STREAM = 201;
const NODE_STATIC = 202;
const BROWSER_STREAM = 203;
const BROWSER_STATIC = 204;
const REPLAY = 205;
const MALFORMED = 206;
const LIMITED = 207;

describe('ingest accepts what the official SDKs send', () => {
  const stack = new E2EStack([
    { id: NODE_STREAM },
    { id: NODE_STATIC },
    { id: BROWSER_STREAM },
    { id: BROWSER_STATIC },
    { id: REPLAY },
    { id: MALFORMED },
    { id: LIMITED, rateLimits: { transaction: { perSecond: 0.01, burst: 1 } } },
  ]);
  let reader: KafkaRecordReader;
  let recorder: RecordingServer;
  const of = <T extends { projectId: number }>(list: T[], projectId: number): T[] => list.filter((r) => r.projectId === projectId);
  const envelopeUrl = (id: number, key = stack.project(id).key) => `${stack.app('ingest').url}/api/${id}/envelope/?sentry_key=${key}&sentry_version=7`;

  beforeAll(async () => {
    await stack.start({}, ['ingest']);
    reader = new KafkaRecordReader(new TopicNames(stack.topicPrefix));
    await reader.start();
    recorder = await startRecordingServer();
  });

  afterAll(async () => {
    await reader?.stop();
    await recorder?.close();
    await stack.stop();
  });

  it('@sentry/node in streaming and static mode: the same transaction and spans', async () => {
    for (const [mode, id] of [['stream', NODE_STREAM], ['static', NODE_STATIC]] as const) {
      const run = await runNodeScenario(recorder, 'spans', mode, { dsn: stack.dsn(id) });
      expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    }
    await reader.waitFor('a checkout transaction of each mode', (r) => [NODE_STREAM, NODE_STATIC].every((id) => of(r.transactions, id).some((t) => t.name === 'checkout')));
    const shape = (id: number) => {
      const tx = of(reader.received.transactions, id).find((t) => t.name === 'checkout')!;
      const spans = of(reader.received.spans, id).filter((s) => s.segmentId === tx.spanId);
      return {
        transaction: { name: tx.name, op: tx.op, status: tx.status, release: tx.release, environment: tx.environment, sdkName: tx.sdkName, userId: tx.userId },
        spans: spans.map((s: SpanRecord) => `${s.op}|${s.description}|${s.status}|${s.transactionName}`).sort(),
      };
    };
    await reader.waitFor('the spans of both', () => shape(NODE_STREAM).spans.length > 0 && shape(NODE_STREAM).spans.length === shape(NODE_STATIC).spans.length);
    expect(shape(NODE_STREAM)).toEqual(shape(NODE_STATIC));
    expect(shape(NODE_STREAM).spans).toEqual(expect.arrayContaining([expect.stringMatching(/\|charge card\|internal_error\|checkout$/)]));
  });

  it('@sentry/node captureException: an error with frames and the same fingerprint in both modes', async () => {
    for (const [mode, id] of [['stream', NODE_STREAM], ['static', NODE_STATIC]] as const) {
      expect(await runNodeScenario(recorder, 'error', mode, { dsn: stack.dsn(id) })).toMatchObject({ exitCode: 0 });
    }
    const boom = (id: number) => of(reader.received.errors, id).find((e) => e.title.includes('boom'));
    await reader.waitFor('boom errors', () => boom(NODE_STREAM) !== undefined && boom(NODE_STATIC) !== undefined);
    const [stream, stat] = [boom(NODE_STREAM)!, boom(NODE_STATIC)!] as ErrorRecord[];
    expect(stream.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(stream.fingerprint).toBe(stat.fingerprint);
    expect(stream).toMatchObject({ level: 'error', handled: true, platform: 'node' });
    expect(stream.exceptions.at(-1)!.frames.length).toBeGreaterThan(2);
    const thirdParty = of(reader.received.errors, NODE_STREAM).flatMap((e) => e.exceptions.flatMap((x) => x.frames)).filter((f) => f.filename.includes('node_modules/'));
    expect(thirdParty.length).toBeGreaterThan(0);
    expect(thirdParty.every((f) => !f.inApp)).toBe(true);
  });

  it('@sentry/node release health: sessions arrive', async () => {
    expect(await runNodeScenario(recorder, 'explicit-session', 'stream', { dsn: stack.dsn(NODE_STREAM) })).toMatchObject({ exitCode: 0 });
    await reader.waitFor('sessions', (r) => of(r.sessions, NODE_STREAM).length > 0);
    expect(of(reader.received.sessions, NODE_STREAM)[0]).toMatchObject({ release: 'pulse-fixtures@1.0.0', environment: 'recording' });
  });

  it('@sentry/browser in Chromium: pageload and its Web Vitals in both modes', async () => {
    for (const [mode, id] of [['stream', BROWSER_STREAM], ['static', BROWSER_STATIC]] as const) {
      await runBrowserScenario(recorder, 'pageload', mode, { dsn: stack.dsn(id) });
    }
    const vitals = (id: number) => new Set(of(reader.received.webVitals, id).map((v) => v.vital));
    await reader.waitFor('vitals of both modes', () => ['lcp', 'fcp', 'ttfb', 'cls'].every((v) => vitals(BROWSER_STREAM).has(v as never) && vitals(BROWSER_STATIC).has(v as never)));
    for (const id of [BROWSER_STREAM, BROWSER_STATIC]) {
      const pageload = of(reader.received.transactions, id).find((t) => t.op === 'pageload') as TransactionRecord;
      expect(pageload).toMatchObject({ name: '/index.html', browserName: 'HeadlessChrome' });
      for (const sample of of(reader.received.webVitals, id)) expect(sample).toMatchObject({ page: '/index.html', browserName: 'HeadlessChrome', release: 'pulse-fixtures@1.0.0' });
    }
    await reader.waitFor('INP from the click', () => vitals(BROWSER_STREAM).has('inp'));
  });

  it('every recorded SDK request is accepted', async () => {
    const { key } = stack.project(REPLAY);
    for (const name of listRecordedFixtures()) {
      for (const recorded of loadRecordedFixture(name)) {
        const response = await replayFixtureRequest(stack.app('ingest').url, recorded, { publicKey: key, projectId: REPLAY });
        expect({ name, status: response.status, body: await response.text() }).toMatchObject({ name, status: 200 });
      }
    }
    await reader.waitFor('replayed records', (r) => of(r.transactions, REPLAY).length > 0 && of(r.errors, REPLAY).length > 0 && of(r.sessions, REPLAY).length > 0);
  });

  it('refuses malformed envelopes with the right status and keeps only the good one', async () => {
    const eventId = 'c'.repeat(32);
    const tx = JSON.stringify(transactionEvent({ event_id: eventId, start_timestamp: Date.now() / 1000 - 1, timestamp: Date.now() / 1000 }));
    const good = `{"event_id":"${eventId}"}\n{"type":"transaction"}\n${tx}`;
    const post = (body: string | Buffer, headers: Record<string, string> = {}, url = envelopeUrl(MALFORMED)) => request(url, { method: 'POST', body, headers });
    const cases: Array<[string, Promise<{ status: number }>, number]> = [
      ['empty', post(''), 400],
      ['bad header JSON', post(`{"event_id":\n{"type":"transaction"}\n${tx}`), 400],
      ['length past the end', post(`{}\n{"type":"transaction","length":999999}\n${tx}`), 400],
      ['length without newline', post(`{}\n{"type":"transaction","length":2}\n${tx}`), 400],
      ['truncated payload', post(good.slice(0, good.length - 20)), 400],
      ['bad gzip', post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400],
      ['unknown encoding', post(good, { 'content-encoding': 'snappy' }), 415],
      ['zip bomb', post(gzipSync(Buffer.alloc(64 * 1024 * 1024)), { 'content-encoding': 'gzip' }), 413],
      ['wrong project', post(good, {}, envelopeUrl(MALFORMED, stack.project(REPLAY).key)), 403],
      ['unknown key', post(good, {}, envelopeUrl(MALFORMED, 'e'.repeat(32))), 401],
    ];
    for (const [what, response, status] of cases) expect({ what, status: (await response).status }).toEqual({ what, status });

    for (const [encoding, body] of [['gzip', gzipSync(good)], ['deflate', deflateSync(good)], ['br', brotliCompressSync(good)]] as const) {
      expect((await post(body, { 'content-encoding': encoding })).status).toBe(200);
    }
    const unknownItem = `{"event_id":"${eventId}"}\n{"type":"something_new"}\n{}\n{"type":"client_report"}\n{}\n{"type":"transaction"}\n${tx}\n`;
    expect(await post(unknownItem)).toMatchObject({ status: 200, body: { id: eventId } });
    await reader.waitFor('the good transactions', (r) => of(r.transactions, MALFORMED).length >= 4);
    expect(of(reader.received.transactions, MALFORMED).map((t) => t.eventId)).toEqual(Array(4).fill(eventId));
    expect(reader.undecodable).toEqual([]);
  });

  it('answers CORS preflights and exposes the Sentry headers', async () => {
    const preflight = await request(envelopeUrl(MALFORMED), { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const post = await request(envelopeUrl(MALFORMED), { method: 'POST', body: '', headers: { origin: 'https://shop.example' } });
    expect(post.headers.get('access-control-allow-origin')).toBe('*');
    expect(post.headers.get('access-control-expose-headers')).toMatch(/x-sentry-rate-limits.*retry-after.*x-sentry-error/i);
  });

  it('takes the key from the envelope dsn in tunnel mode and refuses a conflicting one', async () => {
    const session = `{"type":"session"}\n{"sid":"${'a'.repeat(32)}","init":true,"status":"ok","started":"${new Date().toISOString()}","attrs":{"release":"tunnel@1"}}`;
    const tunnelled = (key: string) => `{"dsn":"http://${key}@pulse.example/${MALFORMED}"}\n${session}`;
    const ingestUrl = `${stack.app('ingest').url}/api/${MALFORMED}/envelope/`;
    expect((await request(ingestUrl, { method: 'POST', body: tunnelled(stack.project(MALFORMED).key) })).status).toBe(200);
    // The request's own key is this project's, the envelope's dsn names another: a conflict.
    const conflicting = await request(`${ingestUrl}?sentry_key=${stack.project(MALFORMED).key}`, { method: 'POST', body: tunnelled(stack.project(REPLAY).key) });
    expect(conflicting.status).toBe(401);
    await reader.waitFor('the tunnelled session', (r) => of(r.sessions, MALFORMED).some((s) => s.release === 'tunnel@1'));
  });

  it('enforces per-key rate limits: 429 when all is limited, partial limits on 200', async () => {
    const now = Date.now() / 1000;
    const txItem = `{"type":"transaction"}\n${JSON.stringify(transactionEvent({ event_id: undefined, start_timestamp: now - 1, timestamp: now }))}`;
    const errorItem = `{"type":"event"}\n${JSON.stringify({ message: 'limited?', level: 'error', timestamp: now })}`;
    expect((await request(envelopeUrl(LIMITED), { method: 'POST', body: `{}\n${txItem}` })).status).toBe(200);
    const limited = await request(envelopeUrl(LIMITED), { method: 'POST', body: `{}\n${txItem}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-sentry-rate-limits')).toMatch(/^\d+:transaction:key/);
    const partial = await request(envelopeUrl(LIMITED), { method: 'POST', body: `{}\n${txItem}\n${errorItem}` });
    expect(partial.status).toBe(200);
    expect(partial.headers.get('x-sentry-rate-limits')).toMatch(/transaction/);
    await reader.waitFor('the error that was not limited', (r) => of(r.errors, LIMITED).length === 1);
    expect(of(reader.received.transactions, LIMITED)).toHaveLength(1);
  });
});
