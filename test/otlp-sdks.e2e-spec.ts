import { kafkaNameOf } from '@pulse/kafka';
import { ensurePythonTools, waitUntil } from '@pulse/local-infra';
import { RecordKind } from '@pulse/model';
import { ConsumerProgress, ddSketchBounds, PulseClient } from '@pulse/testing';
import { readFileSync } from 'node:fs';
import { lineOf, NODE_APP, OtelExport, PYTHON_APP, runNodeOtelApp, runPythonOtelApp } from './otel/otel-apps';
import { expectedTraceRecords, expectEveryPlannedSpanExported, TraceJson } from './otel/trace-expectations';
import { ExportReport, planWorkload, TRANSACTION_NAME, Workload } from './otel/workload';
import { E2EStack } from './support/e2e-stack';

/**
 * The real OpenTelemetry SDKs against the running stack: an ordinary Node program (NodeTracerProvider,
 * BatchSpanProcessor, the OTLP/HTTP exporter in protobuf with gzip, and in JSON) and an ordinary
 * Python program (TracerProvider, BatchSpanProcessor, the OTLP/HTTP protobuf exporter), configured
 * only by the standard OTEL_* variables pointing at Pulse's ingest. Each run has its own release
 * (`service.version`) and environment (`deployment.environment.name`), and everything is checked
 * through the query API against the workload the test planned: exact counts and failure rates,
 * percentiles within the DDSketch bound of quantilesDD(0.01, …) as transactions.e2e-spec.ts checks
 * them (ddSketchBounds: within 1% of the samples at the two ranks around the level), whole traces
 * with their parent links, the recorded exceptions as grouped error events with the programs' own
 * frames, and a re-sent export stored once.
 */
jest.setTimeout(300_000);

const PROJECT = 7;
const N = 48;
const THROWS_AT = 7;
// Whole minutes, far enough back that every span of a run (one request every 10 s) has ended.
const BASE_MS = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;

interface Run {
  runtime: 'node' | 'python';
  workload: Workload;
  target: Omit<OtelExport, 'endpoint' | 'publicKey'>;
}

const RUNS: Record<'protobuf' | 'json' | 'python', Run> = {
  protobuf: {
    runtime: 'node',
    workload: planWorkload({ idPrefix: '0e1a0001', baseMs: BASE_MS, count: N, seed: 11, throwsAt: THROWS_AT }),
    target: { serviceName: 'orders-node', serviceVersion: 'orders@1.0.0', environment: 'otlp-protobuf', protocol: 'http/protobuf', gzip: true },
  },
  json: {
    runtime: 'node',
    workload: planWorkload({ idPrefix: '0e1a0002', baseMs: BASE_MS, count: N, seed: 12, throwsAt: THROWS_AT }),
    target: { serviceName: 'orders-node', serviceVersion: 'orders@1.1.0', environment: 'otlp-json', protocol: 'http/json', gzip: false },
  },
  python: {
    runtime: 'python',
    workload: planWorkload({ idPrefix: '0e1a0003', baseMs: BASE_MS, count: N, seed: 13, throwsAt: THROWS_AT }),
    target: { serviceName: 'orders-python', serviceVersion: 'orders-py@2.0.0', environment: 'otlp-python', protocol: 'http/protobuf', gzip: false },
  },
};
const RUN_NAMES = Object.keys(RUNS) as Array<keyof typeof RUNS>;

interface ErrorEventJson {
  event_id: string;
  transaction: string;
  trace_id: string;
  span_id: string;
  release: string;
  environment: string;
  tags: Record<string, string>;
  exceptions: Array<{ type: string; value: string; frames: Array<{ function: string; absPath: string; lineno: number }> }>;
}

describe('OpenTelemetry SDKs (Node, Python) → OTLP/HTTP ingest → query API', () => {
  const stack = new E2EStack([{ id: PROJECT }]);
  let client: PulseClient;
  let python = '';
  let progress: ConsumerProgress;
  const reports = new Map<keyof typeof RUNS, ExportReport>();

  const range = () => ({ from: String(BASE_MS - 60_000), to: String(Date.now() + 60_000) });
  const get = <T>(path: string, params: Record<string, string>): Promise<T> => client.get<T>(PROJECT, `${path}?${new URLSearchParams(params)}`);
  const exportTo = (run: Run): OtelExport => ({ ...run.target, endpoint: `${stack.app('ingest').url}/api/${PROJECT}/integration/otlp/v1/traces`, publicKey: stack.project(PROJECT).key });
  const execute = (run: Run): Promise<ExportReport> => (run.runtime === 'node' ? runNodeOtelApp(run.workload, exportTo(run)) : runPythonOtelApp(python, run.workload, exportTo(run)));
  const report = (name: keyof typeof RUNS): ExportReport => {
    const found = reports.get(name);
    if (!found) throw new Error(`the ${name} run reported nothing`);
    return found;
  };
  const latency = (run: Run) => get<{ count: number; p50: number; p95: number; p99: number }>('transactions/latency', { ...range(), release: run.target.serviceVersion, environment: run.target.environment, percentiles: '50,95,99' });
  const duplicates = async (kind: RecordKind): Promise<number> => {
    const line = (await stack.metricsText('consumer')).split('\n').find((l) => l.startsWith('pulse_consumer_duplicates_total{') && l.includes(`kind="${kafkaNameOf(kind)}"`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  const issues = () => client.get<Array<{ title: string; count: string }>>(PROJECT, `issues?${new URLSearchParams({ status: 'all', ...range() })}`);
  /** The error events of the run's release (one group: its recorded exception). */
  const errorEvents = async (run: Run): Promise<{ fingerprint: string; events: ErrorEventJson[] }> => {
    let groups: Array<{ fingerprint: string }> = [];
    await waitUntil(`the error group of ${run.target.serviceVersion}`, async () => {
      groups = await get<Array<{ fingerprint: string }>>('errors', { ...range(), release: run.target.serviceVersion });
      return groups.length > 0;
    });
    expect(groups).toHaveLength(1);
    return get(`errors/${groups[0].fingerprint}/events`, { ...range(), release: run.target.serviceVersion });
  };

  beforeAll(async () => {
    const [tools] = await Promise.all([ensurePythonTools((line) => console.log(`[python tools] ${line}`)), stack.start()]);
    python = tools.python;
    client = new PulseClient(stack.app('ingest').url, stack.app('query').url, new Map([[PROJECT, stack.project(PROJECT)]]));
    const done = await Promise.all(RUN_NAMES.map(async (name) => [name, await execute(RUNS[name])] as const));
    for (const [name, exported] of done) reports.set(name, exported);
    progress = new ConsumerProgress(stack.database, stack.topics);
    await progress.connect();
  });
  afterAll(async () => {
    await progress?.disconnect();
    await stack.stop();
  });

  it.each(RUN_NAMES)('%s: the SDK exported every planned span and ingest accepted each export', (name) => {
    expectEveryPlannedSpanExported(report(name), RUNS[name].workload.traces);
  });

  it.each(RUN_NAMES)('%s: every transaction once, under its release and environment, with its failures and percentiles', async (name) => {
    const run = RUNS[name];
    await waitUntil(`${N} transactions of ${run.target.serviceVersion}`, async () => (await latency(run)).count === N, { timeoutMs: 90_000, intervalMs: 250 });
    const durations = run.workload.traces.map((root) => root.endMs - root.startMs);
    const body = await latency(run);
    for (const [key, level] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const) {
      const { low, high } = ddSketchBounds(durations, level);
      expect(body[key]).toBeGreaterThanOrEqual(low);
      expect(body[key]).toBeLessThanOrEqual(high);
    }
    const failures = run.workload.traces.filter((root) => root.error !== undefined).length;
    expect(failures).toBe(N / 6);
    const table = await get<{ data: Array<{ transaction: string; count: number; failure_rate: number }> }>('transactions', { ...range(), release: run.target.serviceVersion, environment: run.target.environment });
    expect(table.data).toEqual([expect.objectContaining({ transaction: TRANSACTION_NAME, count: N })]);
    expect(table.data[0].failure_rate).toBeCloseTo(failures / N, 12);
    await errorEvents(run);
    const [release] = await get<Array<{ release: string; transactions: number; errors: number; failure_rate: number }>>('releases', { ...range(), release: run.target.serviceVersion });
    expect(release).toMatchObject({ release: run.target.serviceVersion, transactions: N, errors: 1 });
    expect(release.failure_rate).toBeCloseTo(failures / N, 12);
  });

  it.each(RUN_NAMES)('%s: a trace holds every span with its parent, op, name, status and duration', async (name) => {
    const run = RUNS[name];
    const exported = report(name);
    const trace = (index: number) => get<TraceJson>(`traces/${exported.traces[index].traceId}`, range());
    await waitUntil(`the spans and error of trace ${THROWS_AT}`, async () => {
      const found = await trace(THROWS_AT);
      return found.spans.length === 3 && found.errors.length === 1;
    }).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}; last answer ${JSON.stringify(await trace(THROWS_AT).catch((e: unknown) => String(e))).slice(0, 1000)}`);
    });
    for (const index of [THROWS_AT, 5]) {
      expect(await trace(index)).toEqual(expect.objectContaining(expectedTraceRecords(run.workload.traces[index], exported.traces[index], run.target)));
    }
    const withError = await trace(THROWS_AT);
    expect(withError.errors).toEqual([expect.objectContaining({ span_id: exported.exception.spanId })]);
  });

  it.each(RUN_NAMES)('%s: the recorded exception is an error event with the program’s own frames, its trace and transaction', async (name) => {
    const run = RUNS[name];
    const exported = report(name);
    const { events } = await errorEvents(run);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      transaction: TRANSACTION_NAME,
      trace_id: exported.exception.traceId,
      span_id: exported.exception.spanId,
      release: run.target.serviceVersion,
      environment: run.target.environment,
      tags: expect.objectContaining({ 'service.name': run.target.serviceName }),
    });
    const exception = event.exceptions[event.exceptions.length - 1];
    expect(exception).toMatchObject({ type: exported.exception.type, value: `card declined for order ${THROWS_AT}` });
    // Where the program throws, read from its source (not from what it reported): the raising
    // frame last, its caller before it.
    const frames = exception.frames.slice(-2).map(({ function: fn, absPath, lineno }) => ({ fn, absPath, lineno }));
    if (run.runtime === 'node') {
      const source = readFileSync(NODE_APP, 'utf8');
      expect(exported.exception.type).toBe('PaymentDeclinedError');
      expect(frames).toEqual([
        { fn: 'replay', absPath: NODE_APP, lineno: lineOf(source, 'chargeCard(planned.throws);') },
        { fn: 'chargeCard', absPath: NODE_APP, lineno: lineOf(source, 'throw new PaymentDeclinedError(message);') },
      ]);
    } else {
      const source = readFileSync(PYTHON_APP, 'utf8');
      // The Python SDK qualifies the type by its module (`__main__` for a program run as a script).
      expect(exported.exception.type).toBe('__main__.PaymentDeclined');
      expect(frames).toEqual([
        { fn: 'replay', absPath: PYTHON_APP, lineno: lineOf(source, 'charge_card(planned["throws"])') },
        { fn: 'charge_card', absPath: PYTHON_APP, lineno: lineOf(source, 'raise PaymentDeclined(message)') },
      ]);
    }
  });

  it('groups the exceptions like Sentry errors: one issue for the Node code path (both runs), one for the Python one', async () => {
    const node = await errorEvents(RUNS.protobuf);
    expect((await errorEvents(RUNS.json)).fingerprint).toBe(node.fingerprint);
    expect((await errorEvents(RUNS.python)).fingerprint).not.toBe(node.fingerprint);
    await waitUntil('two issues with three events', async () => (await issues()).reduce((sum, issue) => sum + Number(issue.count), 0) === 3);
    const counts = (await issues()).map((issue) => [issue.title, Number(issue.count)]).sort();
    expect(counts).toEqual([
      [`${report('python').exception.type}: card declined for order ${THROWS_AT}`, 1],
      [`${report('protobuf').exception.type}: card declined for order ${THROWS_AT}`, 2],
    ].sort());
  });

  it('stores an export sent again (the same spans, the same ids) once', async () => {
    const run = RUNS.protobuf;
    const first = report('protobuf');
    const spanRecords = first.traces.reduce((sum, t) => sum + t.spans.length - 1, 0);
    const before = await Promise.all([RecordKind.Transaction, RecordKind.Span, RecordKind.Error].map(duplicates));
    const again = await execute(run);
    expect(again.traces).toEqual(first.traces);
    expect(again.exported.failures).toEqual([]);
    await waitUntil('the consumer dropped every re-sent record as a duplicate', async () => {
      const now = await Promise.all([RecordKind.Transaction, RecordKind.Span, RecordKind.Error].map(duplicates));
      return now[0] - before[0] === N && now[1] - before[1] === spanRecords && now[2] - before[2] === 1;
    });
    // The issue step runs inside the error batch, before its offsets are committed: caught up, it has seen the re-send.
    await progress.waitUntilCaughtUp([RecordKind.Error]);
    expect((await issues()).map((issue) => Number(issue.count)).sort()).toEqual([1, 2]);
    expect((await latency(run)).count).toBe(N);
    const { events } = await errorEvents(run);
    expect(events).toHaveLength(1);
    const found = await get<TraceJson>(`traces/${first.exception.traceId}`, range());
    expect([found.transactions.length, found.spans.length, found.errors.length]).toEqual([1, 3, 1]);
  });
});
