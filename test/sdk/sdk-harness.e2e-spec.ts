// Checks the committed SDK recordings (test/fixtures/recorded) and that the recording harness
// still drives the installed SDKs: @sentry/node always, @sentry/browser when Chromium is present.
// Needs no Kafka or ClickHouse.
import { runBrowserScenario } from './browser-scenarios';
import { parseEnvelope } from './envelope';
import { fixtureBody, fixtureRawBody, listRecordedFixtures, loadRecordedFixture, replayFixtureRequest } from './fixtures';
import { PROJECT_ID, PUBLIC_KEY, runNodeScenario } from './node-scenarios';
import { RecordingServer, startRecordingServer } from './recording-server';

describe('recorded SDK fixtures', () => {
  const names = listRecordedFixtures();

  it('cover both SDKs in both trace lifecycles', () => {
    for (const prefix of ['node-stream-', 'node-static-', 'browser-stream-', 'browser-static-']) {
      expect(names.some((name) => name.startsWith(prefix))).toBe(true);
    }
  });

  it.each(names)('%s: envelope POSTs with the auth in the query string', (name) => {
    const requests = loadRecordedFixture(name);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/api/${PROJECT_ID}/envelope/`);
      expect(request.query).toMatchObject({ sentry_version: '7', sentry_key: PUBLIC_KEY });
      expect(request.headers['x-sentry-auth']).toBeUndefined();
      const envelope = parseEnvelope(fixtureBody(request));
      expect(envelope.items.length).toBeGreaterThan(0);
      for (const item of envelope.items) expect(item.json).toBeDefined();
    }
  });
});

describe('recording harness', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer();
  });
  afterAll(() => server.close());

  it('answers a replayed envelope like Sentry and records it byte for byte', async () => {
    const request = loadRecordedFixture('node-stream-large-event').find((candidate) => candidate.headers['content-encoding'] === 'gzip');
    if (!request) throw new Error('node-stream-large-event has no gzipped request');
    server.take();
    const response = await replayFixtureRequest(server.origin, request);
    expect(response.status).toBe(200);
    const eventId = parseEnvelope(fixtureBody(request)).header.event_id;
    expect(await response.json()).toEqual(eventId ? { id: eventId } : {});
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const [recorded] = server.take();
    expect(recorded.rawBody.equals(fixtureRawBody(request))).toBe(true);
    expect(recorded.body.equals(fixtureBody(request))).toBe(true);
  });

  it('answers CORS preflights', async () => {
    const response = await fetch(`${server.origin}/api/42/envelope/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('records a streamed span batch from the real @sentry/node', async () => {
    const run = await runNodeScenario(server, 'spans', 'stream', { timeoutMs: 20_000 });
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    const spans = run.requests
      .flatMap((request) => parseEnvelope(request.body).items)
      .filter((item) => item.header.type === 'span')
      .flatMap((item) => (item.json as { items: Array<{ name: string; is_segment: boolean }> }).items);
    expect(spans.find((span) => span.is_segment)?.name).toBe('checkout');
  }, 30_000);

  it(
    'records a pageload from the real @sentry/browser in Chromium',
    async () => {
      const run = await runBrowserScenario(server, 'pageload', 'stream', { timeoutMs: 45_000 });
      const ops = run.requests
        .flatMap((request) => parseEnvelope(request.body).items)
        .filter((item) => item.header.type === 'span')
        .flatMap((item) => (item.json as { items: Array<{ attributes: Record<string, { value: unknown }> }> }).items)
        .map((span) => span.attributes['sentry.op']?.value);
      expect(ops).toContain('pageload');
    },
    60_000,
  );
});
