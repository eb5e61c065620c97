import { ensureOtelCollector, waitUntil } from '@pulse/local-infra';
import { PulseClient } from '@pulse/testing';
import { CollectorProcess } from './otel/collector-process';
import { OtelExport, runNodeOtelApp } from './otel/otel-apps';
import { expectedTraceRecords, expectEveryPlannedSpanExported, TraceJson } from './otel/trace-expectations';
import { ExportReport, planWorkload, TRANSACTION_NAME, Workload } from './otel/workload';
import { E2EStack } from './support/e2e-stack';

/**
 * A real OpenTelemetry Collector in front of Pulse, configured by docker/otel-collector/collector.yaml
 * (the example of docs/otlp.md): otelcol-pulse, the distribution of docker/otel-collector built
 * from the Go module proxy (Collector v0.165.0: otlp receiver, batch processor, otlp_http exporter).
 * The Node program of otlp-sdks.e2e-spec.ts replays its workload through the OpenTelemetry SDK,
 * its exporter's endpoint variable pointing at the Collector's receiver instead of Pulse (nothing
 * else changes); the Collector batches the spans and forwards them to ingest in protobuf with gzip,
 * with the project's key in `x-sentry-auth`. The query API must then hold exactly the planned
 * transactions, with their failures, and whole traces with their parent links; the Collector must
 * have reported no failed or retried export, and on SIGTERM flush what it still holds (spans a
 * program sent just before) and exit 0.
 */
jest.setTimeout(300_000);

const PROJECT = 7;
const N = 36;
const THROWS_AT = 7;
// Whole minutes, far enough back that every span of a run (one request every 10 s) has ended.
const BASE_MS = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;

interface Run {
  workload: Workload;
  /** How the program sends to the Collector; the Collector always sends protobuf with gzip. */
  target: Omit<OtelExport, 'endpoint' | 'publicKey'>;
}

const RUNS: Record<'protobuf' | 'json', Run> = {
  protobuf: {
    workload: planWorkload({ idPrefix: '0c011001', baseMs: BASE_MS, count: N, seed: 21, throwsAt: THROWS_AT }),
    target: { serviceName: 'orders-node', serviceVersion: 'orders@3.0.0', environment: 'collector-protobuf', protocol: 'http/protobuf', gzip: true },
  },
  json: {
    workload: planWorkload({ idPrefix: '0c011002', baseMs: BASE_MS, count: N, seed: 22, throwsAt: THROWS_AT }),
    target: { serviceName: 'orders-node', serviceVersion: 'orders@3.1.0', environment: 'collector-json', protocol: 'http/json', gzip: false },
  },
};
const RUN_NAMES = Object.keys(RUNS) as Array<keyof typeof RUNS>;
/** Sent right before the Collector is stopped. */
const FLUSHED_COUNT = 12;
const FLUSHED_RUN: Run = {
  workload: planWorkload({ idPrefix: '0c011003', baseMs: BASE_MS, count: FLUSHED_COUNT, seed: 23, throwsAt: THROWS_AT }),
  target: { serviceName: 'orders-node', serviceVersion: 'orders@3.2.0', environment: 'collector-shutdown', protocol: 'http/protobuf', gzip: true },
};

describe('OpenTelemetry SDK (Node) → OpenTelemetry Collector (collector.yaml) → OTLP/HTTP ingest → query API', () => {
  const stack = new E2EStack([{ id: PROJECT }]);
  let client: PulseClient;
  let collector: CollectorProcess | undefined;
  const reports = new Map<keyof typeof RUNS, ExportReport>();

  const range = () => ({ from: String(BASE_MS - 60_000), to: String(Date.now() + 60_000) });
  const get = <T>(path: string, params: Record<string, string>): Promise<T> => client.get<T>(PROJECT, `${path}?${new URLSearchParams(params)}`);
  const report = (name: keyof typeof RUNS): ExportReport => {
    const found = reports.get(name);
    if (!found) throw new Error(`the ${name} run reported nothing`);
    return found;
  };
  const running = (): CollectorProcess => {
    if (!collector) throw new Error('the Collector did not start');
    return collector;
  };
  const latency = (run: Run) => get<{ count: number }>('transactions/latency', { ...range(), release: run.target.serviceVersion, environment: run.target.environment, percentiles: '50' });

  beforeAll(async () => {
    const [binary] = await Promise.all([ensureOtelCollector((line) => console.log(`[otel collector] ${line}`)), stack.start()]);
    client = new PulseClient(stack.app('ingest').url, stack.app('query').url, new Map([[PROJECT, stack.project(PROJECT)]]));
    const pulseTracesEndpoint = `${stack.app('ingest').url}/api/${PROJECT}/integration/otlp/v1/traces`;
    collector = await CollectorProcess.start(binary, { pulseTracesEndpoint, publicKey: stack.project(PROJECT).key });
    // The program's own settings, as otlp-sdks.e2e-spec.ts gives them, but for the endpoint: the Collector's receiver.
    const throughCollector = (run: Run): OtelExport => ({ ...run.target, endpoint: running().tracesEndpoint, publicKey: stack.project(PROJECT).key });
    const done = await Promise.all(RUN_NAMES.map(async (name) => [name, await runNodeOtelApp(RUNS[name].workload, throughCollector(RUNS[name]))] as const));
    for (const [name, exported] of done) reports.set(name, exported);
  });
  afterAll(async () => {
    await collector?.stop();
    await stack.stop();
  });

  it.each(RUN_NAMES)('%s: the SDK exported every planned span to the Collector', (name) => {
    expectEveryPlannedSpanExported(report(name), RUNS[name].workload.traces);
  });

  it.each(RUN_NAMES)('%s: every transaction reached Pulse once, under its release and environment, with its failures', async (name) => {
    const run = RUNS[name];
    await waitUntil(`${N} transactions of ${run.target.serviceVersion}`, async () => (await latency(run)).count === N, { timeoutMs: 90_000, intervalMs: 250 });
    const failures = run.workload.traces.filter((root) => root.error !== undefined).length;
    expect(failures).toBe(N / 6);
    const table = await get<{ data: Array<{ transaction: string; count: number; failure_rate: number }> }>('transactions', { ...range(), release: run.target.serviceVersion, environment: run.target.environment });
    expect(table.data).toEqual([expect.objectContaining({ transaction: TRANSACTION_NAME, count: N })]);
    expect(table.data[0].failure_rate).toBeCloseTo(failures / N, 12);
  });

  it.each(RUN_NAMES)('%s: a trace holds every span with its parent, op, status and duration, and its recorded exception', async (name) => {
    const run = RUNS[name];
    const exported = report(name);
    const trace = (index: number) => get<TraceJson>(`traces/${exported.traces[index].traceId}`, range());
    await waitUntil(`the spans and error of trace ${THROWS_AT}`, async () => {
      const found = await trace(THROWS_AT);
      return found.spans.length === 3 && found.errors.length === 1;
    });
    for (const index of [THROWS_AT, 5]) {
      expect(await trace(index)).toEqual(expect.objectContaining(expectedTraceRecords(run.workload.traces[index], exported.traces[index], run.target)));
    }
    expect((await trace(THROWS_AT)).errors).toEqual([expect.objectContaining({ span_id: exported.exception.spanId })]);
  });

  it('the Collector reported no failed or retried export', () => {
    const otelcol = running();
    // Its log is read at all: the start-up line is there.
    expect(otelcol.log).toContain('Everything is ready');
    expect(otelcol.exportProblems()).toEqual([]);
  });

  it('on SIGTERM the Collector flushes the spans it holds to Pulse and exits 0', async () => {
    const otelcol = running();
    const last = FLUSHED_RUN;
    // Stopped as soon as the program's export was accepted: its spans may still sit in the batch processor.
    const exported = await runNodeOtelApp(last.workload, { ...last.target, endpoint: otelcol.tracesEndpoint, publicKey: stack.project(PROJECT).key });
    expect(exported.exported.failures).toEqual([]);
    expect(await otelcol.stop()).toBe(0);
    expect(otelcol.log).toContain('Shutdown complete');
    expect(otelcol.exportProblems()).toEqual([]);
    await waitUntil(`${FLUSHED_COUNT} transactions of ${last.target.serviceVersion}`, async () => (await latency(last)).count === FLUSHED_COUNT, { timeoutMs: 90_000, intervalMs: 250 });
  });
});
