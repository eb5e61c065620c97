import { OtlpJsonResourceSpans, OtlpJsonScopeSpans, OtlpJsonTracesRequest, otlpSpanCount } from './otlp';

/**
 * Exports of many traces, as OpenTelemetry exporters send them. A Sentry SDK sends one
 * transaction per envelope; the OpenTelemetry SDK's BatchSpanProcessor queues finished spans and
 * exports up to `maxExportBatchSize` (512) at once, and the Collector's batch processor more. An
 * SDK process has one resource (its service, release, environment and host), so one export holds
 * the traces of one process only, its spans grouped by instrumentation scope in the order the
 * scopes first appear (@opentelemetry/otlp-transformer's `createResourceMap`).
 *
 * The load generator renders each trace as an export of its own (events/server-otlp.ts), the
 * resource saying which process served it. Batching keeps every trace whole and unchanged and
 * groups the traces by project and resource: a batch is emitted when a process has queued
 * `tracesPerExport` traces, or earlier when the next trace would take it past the SDK's 512 spans
 * (the size trigger under load), and what a process still holds at the end goes out as a smaller
 * export (the SDK's scheduled flush). So the batches carry exactly the spans of the single
 * exports, in as many requests as the processes need.
 */

/** The BatchSpanProcessor's default `maxExportBatchSize`: the most spans in one export. */
export const OTLP_SDK_MAX_EXPORT_SPANS = 512;

export interface OtlpTraceExport {
  /** Which of the target projects the trace belongs to: a batch never mixes projects. */
  projectIndex: number;
  /** The trace as a single export: exactly one resource. */
  otlp: OtlpJsonTracesRequest;
}

export interface OtlpExportBatch {
  projectIndex: number;
  /** Traces in the batch (1 … tracesPerExport). */
  traces: number;
  spans: number;
  /** One resource, its scopes merged across the batch's traces. */
  request: OtlpJsonTracesRequest;
}

/**
 * Batches of up to `tracesPerExport` traces and `maxSpansPerExport` spans (a trace larger than
 * that alone goes whole) of one project and one resource each, in the order they fill (then the
 * rest, oldest first).
 */
export function batchOtlpExports(singles: readonly OtlpTraceExport[], tracesPerExport: number, maxSpansPerExport = OTLP_SDK_MAX_EXPORT_SPANS): OtlpExportBatch[] {
  if (!Number.isInteger(tracesPerExport) || tracesPerExport < 1) throw new RangeError(`tracesPerExport must be a positive integer, got ${tracesPerExport}`);
  if (!Number.isInteger(maxSpansPerExport) || maxSpansPerExport < 1) throw new RangeError(`maxSpansPerExport must be a positive integer, got ${maxSpansPerExport}`);
  const queued = new Map<string, { traces: OtlpTraceExport[]; spans: number }>();
  const batches: OtlpExportBatch[] = [];
  for (const traceExport of singles) {
    const key = `${traceExport.projectIndex}\n${resourceKey(onlyResource(traceExport.otlp))}`;
    const spans = otlpSpanCount(traceExport.otlp);
    let queue = queued.get(key);
    if (queue && queue.spans + spans > maxSpansPerExport) {
      queued.delete(key);
      batches.push(batchOf(queue.traces));
      queue = undefined;
    }
    if (!queue) {
      queue = { traces: [], spans: 0 };
      queued.set(key, queue);
    }
    queue.traces.push(traceExport);
    queue.spans += spans;
    if (queue.traces.length === tracesPerExport) {
      queued.delete(key);
      batches.push(batchOf(queue.traces));
    }
  }
  // A Map iterates in insertion order, and a key is inserted anew after each full batch: the oldest queue first.
  for (const queue of queued.values()) batches.push(batchOf(queue.traces));
  return batches;
}

/**
 * Single exports of one resource merged into one: the first export's resource, each scope once
 * (by name and version) in the order of first appearance, its spans in the exports' order.
 */
export function mergeOtlpExports(singles: readonly OtlpJsonTracesRequest[]): OtlpJsonTracesRequest {
  if (singles.length === 0) throw new RangeError('mergeOtlpExports needs at least one export');
  const resource = onlyResource(singles[0]).resource;
  const key = resourceKey(onlyResource(singles[0]));
  const scopes = new Map<string, OtlpJsonScopeSpans>();
  for (const single of singles) {
    const resourceSpans = onlyResource(single);
    if (resourceKey(resourceSpans) !== key) throw new Error(`mergeOtlpExports: exports of different resources (${key} and ${resourceKey(resourceSpans)}) cannot share an export`);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeKey = `${scopeSpans.scope.name}@${scopeSpans.scope.version}`;
      const merged = scopes.get(scopeKey);
      if (merged) merged.spans.push(...scopeSpans.spans);
      else scopes.set(scopeKey, { scope: { ...scopeSpans.scope }, spans: [...scopeSpans.spans] });
    }
  }
  return { resourceSpans: [{ resource, scopeSpans: [...scopes.values()] }] };
}

function batchOf(queue: readonly OtlpTraceExport[]): OtlpExportBatch {
  const request = mergeOtlpExports(queue.map((single) => single.otlp));
  return { projectIndex: queue[0].projectIndex, traces: queue.length, spans: otlpSpanCount(request), request };
}

function onlyResource(request: OtlpJsonTracesRequest): OtlpJsonResourceSpans {
  if (request.resourceSpans.length !== 1) throw new Error(`a single trace export has one resource, this one has ${request.resourceSpans.length}`);
  return request.resourceSpans[0];
}

/** The resource's identity: its attributes, as rendered (the renderer writes them in one order). */
function resourceKey(resourceSpans: OtlpJsonResourceSpans): string {
  return JSON.stringify(resourceSpans.resource.attributes);
}
