import { transactionEvent } from '@pulse/testing/fixtures';
import { E2EStack } from './support/e2e-stack';
import { ddSketchBounds, HttpResult, inParallel, logNormal, request, seededRandom } from '@pulse/testing';

/**
 * SDK → ingest → Kafka → consumer → ClickHouse → query API, with real processes and real
 * infrastructure. Percentiles are compared with exact values computed here from the same data.
 * Tolerance: the DDSketch bound of quantilesDD(0.01, …) (ddSketchBounds): within 1% of the samples
 * at the two ranks around the level.
 */
jest.setTimeout(180_000);

const N = 3000;
const WINDOW_MS = 20 * 60_000;
// Aligned to 5 minutes, so the 5-minute buckets of the series start at BASE_MS.
const BASE_MS = Math.floor((Date.now() - 60 * 60_000) / 300_000) * 300_000;
const RELEASES = ['shop@1.0.0', 'shop@1.0.0', 'shop@1.1.0'];
const NAMES = ['GET /api/orders/:id', 'POST /api/checkout', 'GET /'];

interface Sent {
  eventId: string;
  startMs: number;
  durationMs: number;
  release: string;
  name: string;
  environment: string;
}

function generate(count: number, seed: number, release?: string): Sent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    eventId: (seed.toString(16).padStart(8, '0') + i.toString(16).padStart(24, '0')).slice(0, 32),
    startMs: BASE_MS + Math.floor((i * WINDOW_MS) / count),
    durationMs: Math.max(1, Math.round(logNormal(random, 180, 0.9))),
    release: release ?? RELEASES[i % RELEASES.length],
    name: NAMES[i % NAMES.length],
    environment: i % 5 === 0 ? 'staging' : 'production',
  }));
}

function eventBody(sent: Sent): string {
  return JSON.stringify(
    transactionEvent({
      event_id: sent.eventId,
      transaction: sent.name,
      start_timestamp: sent.startMs / 1000,
      timestamp: (sent.startMs + sent.durationMs) / 1000,
      release: sent.release,
      environment: sent.environment,
    }),
  );
}

function expectWithinDD(value: unknown, samples: number[], level: number): void {
  const { low, high } = ddSketchBounds(samples, level);
  expect(value).toBeGreaterThanOrEqual(low);
  expect(value).toBeLessThanOrEqual(high);
}

describe('a transaction travels SDK → ingest → Kafka → consumer → ClickHouse → query API', () => {
  const stack = new E2EStack();
  const [project, other] = stack.projects;
  const ingest = () => stack.app('ingest').url;
  const query = () => stack.app('query').url;
  const storeUrl = (projectId = project.id, key = project.key) => `${ingest()}/api/${projectId}/store/?sentry_key=${key}&sentry_version=7`;
  const latency = (params: Record<string, string>, token = project.token, projectId = project.id) =>
    request<Record<string, unknown>>(`${query()}/api/v1/projects/${projectId}/transactions/latency?${new URLSearchParams(params)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  // Events start within WINDOW_MS and end up to seconds later; the range covers both (6 × 5 min).
  const range = { from: String(BASE_MS), to: new Date(BASE_MS + WINDOW_MS + 10 * 60_000).toISOString() };

  const sent = generate(N, 42);
  const rejected: HttpResult[] = [];

  /** Polls the query API until `count` transactions match, or fails after the deadline. */
  async function waitForCount(params: Record<string, string>, count: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 90_000;
    let last: unknown;
    while (Date.now() < deadline) {
      const result = await latency(params);
      last = result.body;
      if (result.status === 200 && result.body.count === count) return result.body;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`expected count ${count}, last answer ${JSON.stringify(last).slice(0, 300)}`);
  }

  beforeAll(async () => {
    await stack.start({ INGEST_MAX_BODY_BYTES: String(256 * 1024) });
    // Good events, with a rejected request of some kind after every 100th, all concurrent.
    const bad: Array<() => Promise<HttpResult>> = [
      () => request(storeUrl(), { method: 'POST', body: '{"type":"transaction",' }),
      () => request(storeUrl(project.id, other.key), { method: 'POST', body: eventBody(sent[0]) }),
      () => request(storeUrl(), { method: 'POST', body: 'x'.repeat(300 * 1024) }),
    ];
    await inParallel(sent, 32, async (event, i) => {
      const viaHeader = i % 7 === 0;
      const result = await request<{ id: string }>(viaHeader ? `${ingest()}/api/${project.id}/store/` : storeUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(viaHeader ? { 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${project.key}` } : {}) },
        body: eventBody(event),
      });
      expect(result).toMatchObject({ status: 200, body: { id: event.eventId } });
      if (i % 100 === 0) rejected.push(await bad[(i / 100) % bad.length]());
    });
  });

  afterAll(() => stack.stop());

  it('answers rejected requests with the right status and lets none of them in', () => {
    expect(rejected).toHaveLength(N / 100);
    expect(rejected.map((r) => r.status).sort()).toEqual([...Array(10).fill(400), ...Array(10).fill(403), ...Array(10).fill(413)]);
    for (const r of rejected) expect(r.body).toMatchObject({ detail: expect.any(String) });
  });

  it('stores every accepted transaction exactly once, with exact percentiles', async () => {
    const body = await waitForCount({ ...range, percentiles: '50,95,99', interval: '5m' }, N);
    const durations = sent.map((s) => s.durationMs);
    expectWithinDD(body.p50, durations, 0.5);
    expectWithinDD(body.p95, durations, 0.95);
    expectWithinDD(body.p99, durations, 0.99);

    const series = body.series as Array<Record<string, number | null>>;
    expect(series).toHaveLength(6);
    series.forEach((point, i) => {
      const inBucket = sent.filter((s) => s.startMs + s.durationMs >= BASE_MS + i * 300_000 && s.startMs + s.durationMs < BASE_MS + (i + 1) * 300_000);
      expect(point.t).toBe(BASE_MS + i * 300_000);
      expect(point.count).toBe(inBucket.length);
      if (inBucket.length === 0) expect(point.p95).toBeNull();
      else expectWithinDD(point.p95, inBucket.map((s) => s.durationMs), 0.95);
    });
  });

  it('filters by release, environment and transaction name', async () => {
    const subset = sent.filter((s) => s.release === 'shop@1.1.0' && s.environment === 'production' && s.name === 'GET /');
    const result = await latency({ ...range, percentiles: '75,99.9', release: 'shop@1.1.0', environment: 'production', transaction: 'GET /' });
    expect(result.status).toBe(200);
    expect(result.body.count).toBe(subset.length);
    expectWithinDD(result.body.p75, subset.map((s) => s.durationMs), 0.75);
    expectWithinDD(result.body.p99_9, subset.map((s) => s.durationMs), 0.999);
  });

  it('keeps projects apart and checks tokens', async () => {
    expect((await latency(range, other.token, other.id)).body).toMatchObject({ count: 0 });
    expect((await latency(range, other.token, project.id)).status).toBe(403);
    expect((await latency(range, 'tok_wrong_wrong_wrong')).status).toBe(401);
    const anonymous = await request(`${query()}/api/v1/projects/${project.id}/transactions/latency?from=0&to=1`);
    expect(anonymous).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/bearer token/) } });
  });

  it('answers 400 with a detail for bad query parameters', async () => {
    for (const params of [{ to: range.to }, { ...range, percentiles: 'p95' }, { from: range.to, to: range.from }, { ...range, interval: 'soon' }]) {
      const result = await latency(params as Record<string, string>);
      expect(result).toMatchObject({ status: 400, body: { detail: expect.any(String) } });
    }
  });

  it('authenticates ingest: no key 401, unknown key 401, another project 403', async () => {
    const body = eventBody(sent[0]);
    expect((await request(`${ingest()}/api/${project.id}/store/`, { method: 'POST', body })).status).toBe(401);
    expect((await request(storeUrl(project.id, '0'.repeat(32)), { method: 'POST', body })).status).toBe(401);
    expect((await request(storeUrl(other.id, project.key), { method: 'POST', body })).status).toBe(403);
  });

  it('reports what is wrong with an invalid event', async () => {
    const bad = JSON.stringify(transactionEvent({ contexts: {} }));
    expect(await request(storeUrl(), { method: 'POST', body: bad })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/contexts\.trace/) } });
    // A store body that is not JSON at all (no Content-Encoding: these are the bytes as written)
    // is refused with the parser's own words, as JSON.parse of this Node gives them.
    const notJson = 'this is not JSON';
    const parseError = ((): string => {
      try {
        JSON.parse(notJson);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(await request(storeUrl(), { method: 'POST', body: notJson })).toMatchObject({ status: 400, body: { detail: `invalid event: not valid JSON: ${parseError}` } });
  });

  it('flushes accepted events on SIGTERM: every 200 is stored', async () => {
    // A second ingest whose batches would wait a minute: only the shutdown flush can send them.
    const lingering = await stack.startApp('ingest-lingering', 'ingest', { PRODUCER_LINGER_MS: '60000', PRODUCER_MAX_BATCH_MESSAGES: '100000' });
    const late = generate(50, 7, 'shutdown@1');
    const responses = Promise.all(late.map((event) => request(`${lingering.url}/api/${project.id}/store/?sentry_key=${project.key}`, { method: 'POST', body: eventBody(event) })));
    const deadline = Date.now() + 30_000;
    while ((await waitingMessages(stack, 'ingest-lingering')) < late.length) {
      if (Date.now() > deadline) throw new Error('the lingering ingest never held all 50 events');
      await new Promise((r) => setTimeout(r, 50));
    }
    const exit = lingering.stop();
    expect((await responses).map((r) => r.status)).toEqual(Array(late.length).fill(200));
    expect(await exit).toEqual({ code: null, signal: 'SIGTERM' }); // graceful: not SIGKILLed, no error exit
    await waitForCount({ ...range, release: 'shutdown@1' }, late.length);
  });
});

async function waitingMessages(stack: E2EStack, app: string): Promise<number> {
  const text = await stack.metricsText(app);
  const match = /^pulse_ingest_producer_waiting_messages\{[^}]*\} (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}
