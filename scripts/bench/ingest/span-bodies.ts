// The requests of the span-format comparison of the ingest benchmark: the load generator's server
// transactions (a transaction and its child spans), each drawn once and written in six forms,
// so every form carries the same traces and only the wire format (and how many traces a request
// holds) differs:
//   envelope          a Sentry envelope with a classic transaction event (what the Node SDK sent before 11.x, and with traceLifecycle 'static')
//   spans-v2          a Sentry envelope with one span-v2 item (streamed spans, the 11.x default)
//   otlp-proto        an OTLP/HTTP trace export in protobuf of one trace (the worst case for OTLP)
//   otlp-json         the same export in OTLP/JSON
//   otlp-proto-batch  OTLP/HTTP protobuf exports of up to N traces (and 512 spans) of one SDK process (one resource),
//                     as the OpenTelemetry SDK's BatchSpanProcessor sends them (@pulse/loadgen otlp-batch.ts)
//   otlp-json-batch   the same exports in OTLP/JSON
// A Sentry SDK sends one transaction per envelope, an OpenTelemetry exporter a batch: per span,
// the realistic comparison is envelope against a batch form. A request's `events` are its spans
// here (the closed loop counts them as it counts events), so a phase's rates and CPU per 1,000
// "events" are per span.
import { batchOtlpExports, OtlpFormat, OtlpJsonTracesRequest, otlpRequest, parseTarget, SdkRequest, sdkRequest, ServerTraceForms, Target, Workload } from '@pulse/loadgen';
import type { PreparedRequest } from './request-loop';

export const SPAN_FORMATS = ['envelope', 'spans-v2', 'otlp-proto', 'otlp-json', 'otlp-proto-batch', 'otlp-json-batch'] as const;
export type SpanFormat = (typeof SPAN_FORMATS)[number];
export type BatchSpanFormat = 'otlp-proto-batch' | 'otlp-json-batch';
export type OtlpSpanFormat = Exclude<SpanFormat, 'envelope' | 'spans-v2'>;

/** The OTLP forms, single and batched, and the wire format each is sent in. */
export const OTLP_WIRE_FORMAT: Readonly<Record<OtlpSpanFormat, OtlpFormat>> = {
  'otlp-proto': 'otlp-proto',
  'otlp-json': 'otlp-json',
  'otlp-proto-batch': 'otlp-proto',
  'otlp-json-batch': 'otlp-json',
};

export function isBatchSpanFormat(format: SpanFormat): format is BatchSpanFormat {
  return format === 'otlp-proto-batch' || format === 'otlp-json-batch';
}

/** Users in the generator's pool (its default, as bodies.ts). */
const USERS = 1000;

export interface SpanFormatBodies {
  /** Per format, the same traces (in the order drawn; the batch forms in the order their exports fill), empty for a format not asked for. */
  requests: Record<SpanFormat, PreparedRequest[]>;
  traces: number;
  spans: number;
  spansPerTrace: number;
  /** Request body bytes per span, per format prepared (headers aside). */
  bodyBytesPerSpan: Partial<Record<SpanFormat, number>>;
  /** Most traces in one export of a batch form (`--span-batch-traces`); a process's last export holds fewer. */
  tracesPerBatch: number;
  /** Mean traces and spans per request, per format prepared (1 and spansPerTrace for the single forms). */
  tracesPerRequest: Partial<Record<SpanFormat, number>>;
  spansPerRequest: Partial<Record<SpanFormat, number>>;
  generationSeconds: number;
}

/** `--span-formats envelope,otlp-proto` → the formats, in the order given; `none` → none. */
export function parseSpanFormats(text: string): SpanFormat[] {
  const trimmed = text.trim();
  if (trimmed === 'none') return [];
  const formats = trimmed.split(',').map((part) => part.trim());
  const unknown = formats.filter((format) => !(SPAN_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) throw new Error(`--span-formats takes "none" or a comma-separated list of ${SPAN_FORMATS.join(', ')}; got ${JSON.stringify(text)}`);
  if (new Set(formats).size !== formats.length) throw new Error(`--span-formats lists a format twice: ${text}`);
  return formats as SpanFormat[];
}

/**
 * `count` server transactions of the load generator's workload, each built once (at `nowMs`) and
 * written in each of `formats`, with the path, headers and body its sender would use; the batch
 * forms group them `tracesPerBatch` to an export per project and SDK process. Timestamps are those
 * of generation time, as in bodies.ts.
 */
export function prepareSpanFormatRequests(options: {
  count: number;
  seed: number;
  formats: readonly SpanFormat[];
  projects: ReadonlyArray<{ id: number; key: string }>;
  nowMs: number;
  tracesPerBatch: number;
}): SpanFormatBodies {
  const started = performance.now();
  const workload = new Workload({
    seed: options.seed,
    idSeed: options.seed + 1,
    publicKeys: options.projects.map((project) => project.key),
    mix: { pageload: 0, server: 1, error: 0, session: 0 },
    users: USERS,
    tagSentAt: false,
  });
  const targets = options.projects.map((project) => parseTarget(`http://${project.key}@127.0.0.1/${project.id}`));
  const requests = Object.fromEntries(SPAN_FORMATS.map((format) => [format, [] as PreparedRequest[]])) as Record<SpanFormat, PreparedRequest[]>;
  const single = options.formats.filter((format) => !isBatchSpanFormat(format));
  const batched = options.formats.filter(isBatchSpanFormat);
  const traceExports: Array<{ projectIndex: number; otlp: OtlpJsonTracesRequest }> = [];
  let spans = 0;
  for (let i = 0; i < options.count; i++) {
    const trace = workload.nextServerTraceForms(options.nowMs);
    const target = targets[trace.projectIndex];
    spans += trace.spans;
    for (const format of single) requests[format].push(requestOf(format, target, trace, trace.spans));
    if (batched.length > 0) traceExports.push({ projectIndex: trace.projectIndex, otlp: trace.otlp });
  }
  const batches = batched.length > 0 ? batchOtlpExports(traceExports, options.tracesPerBatch) : [];
  for (const format of batched) {
    for (const batch of batches) requests[format].push(prepared(otlpRequest(targets[batch.projectIndex], batch.request, OTLP_WIRE_FORMAT[format]), batch.spans));
  }
  const perSpan = (total: number) => Math.round((total / Math.max(1, spans)) * 10) / 10;
  const bodyBytesPerSpan: Partial<Record<SpanFormat, number>> = {};
  const tracesPerRequest: Partial<Record<SpanFormat, number>> = {};
  const spansPerRequest: Partial<Record<SpanFormat, number>> = {};
  for (const format of options.formats) {
    const sent = requests[format];
    bodyBytesPerSpan[format] = perSpan(sent.reduce((sum, r) => sum + r.body.length, 0));
    tracesPerRequest[format] = Math.round((options.count / Math.max(1, sent.length)) * 100) / 100;
    spansPerRequest[format] = Math.round((spans / Math.max(1, sent.length)) * 100) / 100;
  }
  return {
    requests,
    traces: options.count,
    spans,
    spansPerTrace: Math.round((spans / Math.max(1, options.count)) * 100) / 100,
    bodyBytesPerSpan,
    tracesPerBatch: options.tracesPerBatch,
    tracesPerRequest,
    spansPerRequest,
    generationSeconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

function requestOf(format: SpanFormat, target: Target, trace: ServerTraceForms, spans: number): PreparedRequest {
  if (format === 'envelope' || format === 'spans-v2') return prepared(sdkRequest(target, format === 'envelope' ? trace.classic : trace.streamed), spans);
  return prepared(otlpRequest(target, trace.otlp, OTLP_WIRE_FORMAT[format]), spans);
}

function prepared({ path, headers, body }: SdkRequest, spans: number): PreparedRequest {
  return { path, headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, events: spans };
}
