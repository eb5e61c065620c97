import type { ClickHouseClient } from '@clickhouse/client';
import { kafkaNameOf } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { waitUntil } from '@pulse/local-infra';
import { createClickHouse } from '@pulse/storage';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { classicPageloadTransaction, nodeCaptureExceptionEvent, sessionUpdate } from '@pulse/testing/fixtures';
import { ConsumerProgress, request, testInfra } from '@pulse/testing';
import { E2EStack, ROOT } from './support/e2e-stack';
import { ResendProxy } from './support/resend-proxy';

/**
 * A client that sends the same event again (an SDK retrying after a lost answer, an offline queue)
 * gets it stored once: one row per raw table, counted once by every API answer, on the raw path
 * (ranges under an hour) and on the rollup path (an hour or more). Two clients: the real
 * @sentry/node with its offline transport behind a proxy that drops the first two answers, and
 * plain HTTP posting one envelope three times.
 */
jest.setTimeout(240_000);

const ALL_KINDS = Object.values(RecordKind);
const RELEASE = 'resend@1.0.0';
const SDK_PROJECT = 7;
const HTTP_PROJECT = 8;
const KINDS_OF_INTEREST = ['transaction', 'event', 'session'];

describe('a record sent again by its client is stored once', () => {
  const stack = new E2EStack();
  let proxy: ResendProxy;
  let progress: ConsumerProgress;
  let clickhouse: ClickHouseClient;
  const startedAt = Date.now();

  const api = async <T>(projectId: number, path: string, params: Record<string, string>): Promise<T> => {
    const result = await request<T>(`${stack.app('query').url}/api/v1/projects/${projectId}/${path}?${new URLSearchParams(params)}`, {
      headers: { authorization: `Bearer ${stack.project(projectId).token}` },
    });
    expect(result.status).toBe(200);
    return result.body;
  };
  /** Under an hour: raw rows. An hour or more: the rollups (whole minutes) and raw rows at the ends. */
  const rawRange = () => ({ from: String(startedAt - 20 * 60_000), to: String(Date.now() + 60_000) });
  const rollupRange = () => ({ from: String(startedAt - 2 * 3_600_000), to: String(Date.now() + 3_600_000) });
  const scalar = async (query: string, projectId: number): Promise<number> => {
    const result = await clickhouse.query({ query, query_params: { project: projectId }, format: 'JSONEachRow' });
    return Number((await result.json<{ n: string | number }>())[0].n);
  };
  const duplicatesMetric = async (kind: RecordKind): Promise<number> => {
    const text = await stack.metricsText('consumer');
    // The metric's label is the kind's Kafka name (`web-vitals`), not the model's key.
    const line = text.split('\n').find((l) => l.startsWith('pulse_consumer_duplicates_total{') && l.includes(`kind="${kafkaNameOf(kind)}"`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  beforeAll(async () => {
    await stack.start();
    proxy = await ResendProxy.start(stack.app('ingest').url, (attempt) => attempt <= 2);
    progress = new ConsumerProgress(stack.database, stack.topics);
    await progress.connect();
    clickhouse = createClickHouse({ ...testInfra().clickhouse, database: stack.database });
  });

  afterAll(async () => {
    await proxy?.stop();
    await progress?.disconnect();
    await clickhouse?.close();
    await stack.stop();
  });

  describe('@sentry/node with its offline transport, whose first two answers are lost', () => {
    let child: ChildProcess | undefined;
    afterAll(() => child?.kill('SIGTERM'));

    it('re-sends each envelope until it hears an answer: ingest accepted every delivery', async () => {
      const script = await bundleScenario('offline-retry');
      const dsn = `http://${stack.project(SDK_PROJECT).key}@${new URL(proxy.url).host}/${SDK_PROJECT}`;
      child = spawn(process.execPath, [script], {
        cwd: join(ROOT, '.local', 'sdk-scenarios', 'node'),
        stdio: 'ignore',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SENTRY_DSN: dsn, SENTRY_RELEASE: RELEASE, SENTRY_ENVIRONMENT: 'production' },
      });
      // The proxy drops the first two answers of each envelope, so the third delivery is answered.
      await waitUntil(
        'the SDK delivered each envelope until one answer reached it',
        async () => {
          const tracked = trackedIdentities();
          const kinds = new Set(proxy.deliveries.filter((d) => tracked.has(d.identity)).flatMap((d) => d.itemTypes));
          return KINDS_OF_INTEREST.every((kind) => kinds.has(kind)) && [...tracked].every((identity) => proxy.deliveries.some((d) => d.identity === identity && d.answered));
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      child.kill('SIGTERM');
      for (const identity of trackedIdentities()) {
        const deliveries = proxy.deliveries.filter((d) => d.identity === identity);
        expect(deliveries.map((d) => [d.attempt, d.status, d.answered])).toEqual([
          [1, 200, false],
          [2, 200, false],
          [3, 200, true],
        ]);
        // Both of the SDK's retry layers take part: the offline transport re-sends a queued
        // envelope with a renewed sent_at (after 5 s, 10 s, …); the Node HTTP transport re-sends the
        // same bytes at once when a reused keep-alive connection is reset.
        expect(new Set(deliveries.map((d) => d.header.sent_at)).size).toBeGreaterThanOrEqual(2);
      }
    });

    it('stores one row per event and counts it once on the raw and the rollup path', async () => {
      await progress.waitUntilCaughtUp(ALL_KINDS);
      expect(await scalar('SELECT count() AS n FROM transactions WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(1);
      expect(await scalar('SELECT count() AS n FROM spans WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(1);
      expect(await scalar('SELECT count() AS n FROM errors WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(1);
      expect(await scalar('SELECT count() AS n FROM sessions WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(sdkSessionEnvelopes());
      for (const range of [rawRange(), rollupRange()]) {
        expect(await api<{ count: number }>(SDK_PROJECT, 'transactions/latency', { ...range, percentiles: '50' })).toMatchObject({ count: 1 });
        expect((await api<Array<{ count: number }>>(SDK_PROJECT, 'errors', range)).map((group) => group.count)).toEqual([1]);
      }
      expect(await scalar('SELECT sum(count) AS n FROM transactions_minute WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(1);
      expect(await scalar('SELECT sum(count) AS n FROM errors_minute WHERE project_id = {project:UInt64}', SDK_PROJECT)).toBe(1);
    });
  });

  describe('plain HTTP: the same envelope posted three times', () => {
    const now = Date.now();
    const ids = { transaction: 'e1'.repeat(16), other: 'e3'.repeat(16), error: 'e2'.repeat(16) };
    const envelopeUrl = () => `${stack.app('ingest').url}/api/${HTTP_PROJECT}/envelope/?sentry_key=${stack.project(HTTP_PROJECT).key}&sentry_version=7`;
    const post = async (body: string): Promise<number> => (await request(envelopeUrl(), { method: 'POST', body })).status;
    const sentAt = () => new Date().toISOString();
    const resent = () =>
      envelope({ event_id: ids.transaction, sent_at: sentAt() }, [
        ['transaction', pageload(ids.transaction, now - 10 * 60_000)],
        ['event', nodeCaptureExceptionEvent({ event_id: ids.error, timestamp: (now - 9 * 60_000) / 1000, release: RELEASE })],
        ['session', sessionUpdate({ init: true, status: 'crashed', errors: 1, started: iso(now - 10 * 60_000), timestamp: iso(now - 9 * 60_000), attrs: { release: RELEASE, environment: 'production' } })],
      ]);

    it('accepts every send; the first is stored before the repeats arrive, the repeats arrive together', async () => {
      expect(await post(resent())).toBe(200);
      await progress.waitUntilCaughtUp(ALL_KINDS);
      expect(await Promise.all([post(resent()), post(resent())])).toEqual([200, 200]);
      // Not a repeat: another page view (another event id) and another session, each sent once.
      const other = { ...pageload(ids.other, now - 8 * 60_000), transaction: '/other', measurements: {}, spans: [] };
      const otherSession = sessionUpdate({ sid: 'ab'.repeat(16), init: true, status: 'exited', started: iso(now - 8 * 60_000), timestamp: iso(now - 7 * 60_000), attrs: { release: RELEASE, environment: 'production' } });
      expect(await post(envelope({ event_id: ids.other, sent_at: sentAt() }, [['transaction', other], ['session', otherSession]]))).toBe(200);
      await progress.waitUntilCaughtUp(ALL_KINDS);
    });

    it('stores one row per record in every raw table', async () => {
      const count = (table: string) => scalar(`SELECT count() AS n FROM ${table} WHERE project_id = {project:UInt64}`, HTTP_PROJECT);
      expect(await count('transactions')).toBe(2);
      expect(await count('spans')).toBe(2);
      expect(await count('web_vitals')).toBe(6);
      expect(await count('errors')).toBe(1);
      expect(await count('sessions')).toBe(2);
    });

    it('counts each record once in every answer, on the raw and the rollup path', async () => {
      for (const range of [rawRange(), rollupRange()]) {
        expect(await api<{ count: number }>(HTTP_PROJECT, 'transactions/latency', { ...range, transaction: '/checkout', percentiles: '50' })).toMatchObject({ count: 1 });
        expect(await api<{ count: number }>(HTTP_PROJECT, 'transactions/latency', { ...range, percentiles: '50' })).toMatchObject({ count: 2 });
        expect((await api<Array<{ count: number }>>(HTTP_PROJECT, 'errors', range)).map((group) => group.count)).toEqual([1]);
        const vitals = await api<Record<string, { count: number }>>(HTTP_PROJECT, 'web-vitals', range);
        expect(['lcp', 'fcp', 'cls', 'inp', 'ttfb'].map((vital) => vitals[vital].count)).toEqual([1, 1, 1, 1, 1]);
        // One crashed session of two started (three crashed of four, were the repeats stored).
        expect(await api<Array<{ release: string; crash_free_sessions: number }>>(HTTP_PROJECT, 'releases', range)).toEqual([
          expect.objectContaining({ release: RELEASE, crash_free_sessions: 0.5 }),
        ]);
      }
    });

    it('counts the records it dropped in pulse_consumer_duplicates_total', async () => {
      // Two repeats here, two more from the SDK's retries above for transactions and errors.
      expect(await duplicatesMetric(RecordKind.Span)).toBe(2 * 2 + 2);
      expect(await duplicatesMetric(RecordKind.WebVital)).toBe(2 * 6);
      expect(await duplicatesMetric(RecordKind.Transaction)).toBe(2 + 2);
      expect(await duplicatesMetric(RecordKind.Error)).toBe(2 + 2);
      expect(await duplicatesMetric(RecordKind.Session)).toBe(2 + 2 * sdkSessionEnvelopes());
    });
  });

  /** Session updates the SDK sent (each in its own envelope). */
  function sdkSessionEnvelopes(): number {
    return [...trackedIdentities()].filter((identity) => proxy.deliveries.find((d) => d.identity === identity)?.itemTypes.includes('session')).length;
  }

  /** Envelopes that carry a transaction, an error or a session (client reports are never retried). */
  function trackedIdentities(): Set<string> {
    return new Set(proxy.deliveries.filter((d) => d.itemTypes.some((type) => KINDS_OF_INTEREST.includes(type))).map((d) => d.identity));
  }
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The fixture's page load, moved to `startMs`, with its two spans and six vitals. */
function pageload(eventId: string, startMs: number): Record<string, unknown> {
  const base = classicPageloadTransaction();
  const shift = startMs / 1000 - (base.start_timestamp as number);
  const moved = (span: Record<string, unknown>) => ({ ...span, start_timestamp: (span.start_timestamp as number) + shift, timestamp: (span.timestamp as number) + shift });
  return classicPageloadTransaction({
    event_id: eventId,
    start_timestamp: startMs / 1000,
    timestamp: (base.timestamp as number) + shift,
    release: RELEASE,
    spans: (base.spans as Array<Record<string, unknown>>).map(moved),
  });
}

function envelope(header: Record<string, unknown>, items: Array<[string, Record<string, unknown>]>): string {
  return [JSON.stringify(header), ...items.flatMap(([type, payload]) => [JSON.stringify({ type }), JSON.stringify(payload)])].join('\n') + '\n';
}

/** Bundles test/sdk/scenarios/node/<name>.ts as the SDK harness does (packages stay external). */
async function bundleScenario(name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const dir = join(ROOT, '.local', 'sdk-scenarios', 'node');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}.cjs`);
  await esbuild.build({ entryPoints: [join(ROOT, 'test', 'sdk', 'scenarios', 'node', `${name}.ts`)], outfile, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  return outfile;
}
