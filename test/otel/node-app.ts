/**
 * An ordinary OpenTelemetry-instrumented Node program, as a service owner would write it: the
 * Node tracer provider, a batch span processor and the OTLP/HTTP exporter the standard variable
 * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL names (`http/protobuf`, the default, or `http/json`). Nothing
 * here knows Pulse: where the spans go and with which headers, compression, service name, version
 * and environment is all the SDK's own standard configuration (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_HEADERS, OTEL_EXPORTER_OTLP_COMPRESSION, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES) — pointing it at Pulse changes only the exporter endpoint and headers.
 *
 * It replays the workload on stdin (test/otel/workload.ts) with explicit start and end times, so
 * the test knows every duration, then flushes, shuts down and prints what it exported as JSON.
 * Bundled and run with source maps by otel-apps.ts (by hand: `node --enable-source-maps
 * test/sdk/run-ts.js test/otel/node-app.ts < workload.json`): the recorded exception's stack then
 * names this file and its lines, as in any V8 program.
 */
import { context, diag, DiagConsoleLogger, DiagLogLevel, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector } from '@opentelemetry/resources';
import { BatchSpanProcessor, IdGenerator, NodeTracerProvider, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { ExportReport, PlannedKind, PlannedSpan, Workload } from './workload';

/** Trace ids `<prefix><24-hex counter>`, span ids `<prefix[0..4]><12-hex counter>`: replaying a workload reproduces them. */
class CountingIdGenerator implements IdGenerator {
  private traces = 0;
  private spans = 0;
  constructor(private readonly prefix: string) {}

  generateTraceId(): string {
    this.traces += 1;
    return this.prefix + this.traces.toString(16).padStart(24, '0');
  }

  generateSpanId(): string {
    this.spans += 1;
    return this.prefix.slice(0, 4) + this.spans.toString(16).padStart(12, '0');
  }
}

class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

const KINDS: Record<PlannedKind, SpanKind> = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL };

function exporterFromEnvironment(): SpanExporter {
  const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'http/protobuf') return new OTLPProtoTraceExporter();
  if (protocol === 'http/json') return new OTLPJsonTraceExporter();
  throw new Error(`unsupported OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ${protocol}: http/protobuf or http/json`);
}

function chargeCard(message: string): never {
  throw new PaymentDeclinedError(message);
}

interface Replayed {
  traceId: string;
  spans: ExportReport['traces'][number]['spans'];
  exception?: ExportReport['exception'];
}

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core (the SDK's own dependency, not one of ours). */
const EXPORT_SUCCESS: ExportResult['code'] = 0;

/**
 * The exporter, with what it reported back counted: a refused export shows in the program's report
 * (and its exit status) instead of vanishing into the SDK's internal logger.
 */
class CountingExporter implements SpanExporter {
  readonly outcome: ExportReport['exported'] = { spans: 0, failures: [] };
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === EXPORT_SUCCESS) this.outcome.spans += spans.length;
      else this.outcome.failures.push(result.error?.message ?? 'failed');
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Starts `planned` under `parent` (none: a new trace), its children inside it, and ends it at its planned end. */
function replay(tracer: Tracer, planned: PlannedSpan, parent: Span | undefined, replayed: Replayed): void {
  const parentContext = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
  const span = tracer.startSpan(planned.name, { kind: KINDS[planned.kind], startTime: planned.startMs, attributes: planned.attributes }, parentContext);
  const { traceId, spanId } = span.spanContext();
  replayed.traceId = traceId;
  replayed.spans.push({ spanId, parentSpanId: parent?.spanContext().spanId ?? '', name: planned.name });
  for (const child of planned.children) replay(tracer, child, span, replayed);
  if (planned.throws !== undefined) {
    try {
      chargeCard(planned.throws);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      span.recordException(error, planned.endMs - 1);
      replayed.exception = { traceId, spanId, type: error.name, message: error.message, stack: error.stack ?? '' };
    }
  }
  if (planned.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: planned.error });
  span.end(planned.endMs);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const workload = JSON.parse(await readStdin()) as Workload;
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const exporter = new CountingExporter(exporterFromEnvironment());
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(detectResources({ detectors: [envDetector] })),
    idGenerator: new CountingIdGenerator(workload.idPrefix),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('pulse-otel-e2e-node-app', '1.0.0');
  const report: ExportReport['traces'] = [];
  let exception: ExportReport['exception'] | undefined;
  for (const root of workload.traces) {
    const replayed: Replayed = { traceId: '', spans: [] };
    replay(tracer, root, undefined, replayed);
    report.push({ traceId: replayed.traceId, spans: replayed.spans });
    exception = replayed.exception ?? exception;
  }
  await provider.forceFlush();
  await provider.shutdown();
  if (exception === undefined) throw new Error('the workload has no span that throws');
  process.stdout.write(`${JSON.stringify({ traces: report, exception, exported: exporter.outcome } satisfies ExportReport)}\n`);
  if (exporter.outcome.failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
