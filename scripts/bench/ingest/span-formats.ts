// The span-format comparison of the ingest benchmark: the same server traces sent to the same
// ingest process as a classic transaction envelope, a span-v2 envelope, OTLP protobuf and
// OTLP/JSON exports of one trace, and OTLP exports of a batch of traces in either encoding
// (span-bodies.ts), one closed-loop window per format, the formats' order rotating with each
// repetition (E S P J Pb Jb, S P J Pb Jb E, …) so none always runs first or on a fuller broker.
// Per format: spans/s, ingest CPU-ms per 1,000 spans (all of its processes), body bytes per span
// and client-side p50/p99 per request, as medians over the repetitions; and each format's figures
// against the classic envelope's (and the OTLP forms' against span-v2's, the batches' against
// their single form's), per repetition (the windows minutes apart share the machine's load) and
// as a median of those.
//
// The batch forms get fewer connections (--span-batch-connections, 4): one of their requests
// carries ~200 traces, the work of ~200 single requests, so 4 outstanding keep a one-process
// server as busy as 64 single requests do, while 64 would queue 64 × 500 spans and measure the
// queue (and, with a few hundred distinct exports, send the same export on many connections at
// once). An SDK process has one export in flight; 4 stand for a few exporting services.
import { formatNumber as fmt, printColumns } from '../table';
import { median, round } from '../stats';
import type { IngestBenchOptions } from './options';
import { BenchServer, Phase, runPhase } from './phase';
import { isBatchSpanFormat, SpanFormat, SpanFormatBodies } from './span-bodies';
import { send, keepAliveAgent } from './request-loop';

export interface SpanFormatPhase extends Phase {
  format: SpanFormat;
}

/** The format every other is compared with: what the Node SDK sends without span streaming. */
export const REFERENCE_FORMAT: SpanFormat = 'envelope';

/**
 * One request of each format, before anything is timed: a format the server refuses (an ingest
 * build without the OTLP route answers 404) would otherwise be measured as cheap non-answers.
 */
/** Concurrent connections of a format's windows: the batch forms have their own count (see the top). */
export function spanFormatConnections(format: SpanFormat, bench: Pick<IngestBenchOptions, 'connections' | 'spanBatchConnections'>): number {
  return isBatchSpanFormat(format) ? bench.spanBatchConnections : bench.connections;
}

export async function checkSpanFormatsAccepted(port: number, formats: readonly SpanFormat[], bodies: SpanFormatBodies): Promise<void> {
  const agent = keepAliveAgent(1);
  try {
    for (const format of formats) {
      const status = await send(agent, port, bodies.requests[format][0]);
      if (status < 200 || status > 299) throw new Error(`ingest answered ${status} to a ${format} request (${bodies.requests[format][0].path}): the span-format comparison needs every format accepted`);
    }
  } finally {
    agent.destroy();
  }
}

export async function runSpanFormatPhases(options: {
  server: BenchServer;
  formats: readonly SpanFormat[];
  bodies: SpanFormatBodies;
  bench: IngestBenchOptions;
  kafkaPid: number | undefined;
  produced: () => Promise<number>;
  log: (line: string) => void;
}): Promise<SpanFormatPhase[]> {
  const { server, formats, bodies, bench, log } = options;
  const phases: SpanFormatPhase[] = [];
  for (let repetition = 0; repetition < bench.repeat; repetition++) {
    const order = formats.map((_, i) => formats[(i + repetition) % formats.length]);
    for (const format of order) {
      const windowOptions = { ...bench, seconds: bench.spanSeconds, connections: spanFormatConnections(format, bench) };
      log(`${server.name} ${format} ${repetition + 1}/${bench.repeat}: ${windowOptions.connections} connections, ${bench.warmupSeconds} s warm-up + ${bench.spanSeconds} s…`);
      const phase = await runPhase(server, repetition, windowOptions, { requests: bodies.requests[format] }, false, options.kafkaPid, options.produced);
      phases.push({ ...phase, format });
      log(
        `  ${fmt(phase.eventsPerSecond)} spans/s (${fmt(phase.envelopesPerSecond)} requests/s), ${fmt(phase.serverCpuMsPer1000Events)} CPU-ms per 1,000 spans, ` +
          `p50 ${phase.p50Ms} ms, p99 ${phase.p99Ms} ms; statuses ${JSON.stringify(phase.statuses)}; server ${phase.serverCores} cores`,
      );
    }
  }
  return phases;
}

export interface SpanFormatFigures {
  format: SpanFormat;
  spans_per_s: number;
  requests_per_s: number;
  /** Ingest CPU (every process) per 1,000 accepted spans. */
  cpu_ms_per_1000_spans: number;
  /** Request body bytes per span (uncompressed, as each sender sends this size). */
  body_bytes_per_span: number;
  /** Mean traces and spans in one request: 1 and spans_per_trace for the single forms. */
  traces_per_request: number;
  spans_per_request: number;
  /** Client connections of its windows, each with one request outstanding. */
  connections: number;
  /** Client-side latency of one request (for a batch form, a request of traces_per_request traces). */
  p50_ms: number;
  p99_ms: number;
  server_cores: number;
  kafka_messages_per_request: number;
  non_2xx: Record<string, number>;
}

/** One format against the reference (classic envelope), same run. */
export interface SpanFormatRatio {
  /** Median over repetitions of (this format's CPU per span / the envelope's, same repetition). */
  cpu_per_span: number;
  cpu_per_span_by_repetition: number[];
  /** Ratio of the medians. */
  spans_per_s: number;
  body_bytes_per_span: number;
  p99_ms: number;
}

export function summarizeSpanFormats(phases: SpanFormatPhase[], server: BenchServer, formats: readonly SpanFormat[], bodies: SpanFormatBodies, bench: IngestBenchOptions) {
  const of = (format: SpanFormat) => phases.filter((p) => p.format === format);
  const med = (format: SpanFormat, pick: (p: SpanFormatPhase) => number, digits = 2) => round(median(of(format).map(pick)), digits);
  const figures = (format: SpanFormat): SpanFormatFigures => ({
    format,
    spans_per_s: med(format, (p) => p.eventsPerSecond, 1),
    requests_per_s: med(format, (p) => p.envelopesPerSecond, 1),
    cpu_ms_per_1000_spans: med(format, (p) => p.serverCpuMsPer1000Events, 1),
    body_bytes_per_span: bodies.bodyBytesPerSpan[format] ?? NaN,
    traces_per_request: bodies.tracesPerRequest[format] ?? NaN,
    spans_per_request: bodies.spansPerRequest[format] ?? NaN,
    connections: spanFormatConnections(format, bench),
    p50_ms: med(format, (p) => p.p50Ms),
    p99_ms: med(format, (p) => p.p99Ms),
    server_cores: med(format, (p) => p.serverCores, 3),
    kafka_messages_per_request: med(format, (p) => p.kafkaMessagesPerEnvelope),
    non_2xx: of(format).reduce<Record<string, number>>((all, p) => {
      for (const [status, count] of Object.entries(p.statuses)) if (!status.startsWith('2')) all[status] = (all[status] ?? 0) + count;
      return all;
    }, {}),
  });
  const byFormat = Object.fromEntries(formats.map((format) => [format, figures(format)])) as Partial<Record<SpanFormat, SpanFormatFigures>>;
  /** Each of `compared` against `reference`, when both were measured. */
  const ratiosTo = (reference: SpanFormat, compared: readonly SpanFormat[]): Record<string, SpanFormatRatio> => {
    const theirs = byFormat[reference];
    const ratios: Record<string, SpanFormatRatio> = {};
    if (!theirs) return ratios;
    for (const format of compared.filter((f) => f !== reference && byFormat[f])) {
      const own = byFormat[format]!;
      const byRepetition = Array.from({ length: bench.repeat }, (_, repetition) => {
        const mine = of(format).find((p) => p.repetition === repetition);
        const other = of(reference).find((p) => p.repetition === repetition);
        return mine && other ? round(mine.serverCpuMsPer1000Events / other.serverCpuMsPer1000Events, 3) : NaN;
      });
      ratios[`${format}/${reference}`] = {
        cpu_per_span: round(median(byRepetition), 3),
        cpu_per_span_by_repetition: byRepetition,
        spans_per_s: round(own.spans_per_s / theirs.spans_per_s, 3),
        body_bytes_per_span: round(own.body_bytes_per_span / theirs.body_bytes_per_span, 3),
        p99_ms: round(own.p99_ms / theirs.p99_ms, 3),
      };
    }
    return ratios;
  };
  return {
    server: server.name,
    workers: server.workers,
    traces: bodies.traces,
    spans_per_trace: bodies.spansPerTrace,
    /** Most traces per export of the batch forms (--span-batch-traces). */
    batch_traces: bodies.tracesPerBatch,
    seconds: bench.spanSeconds,
    repeat: bench.repeat,
    connections: bench.connections,
    batch_connections: bench.spanBatchConnections,
    formats: byFormat,
    ratios_to_envelope: ratiosTo(REFERENCE_FORMAT, formats),
    /** OTLP against the streamed spans its records are normalized as (the mapping's own cost). */
    ratios_to_spans_v2: ratiosTo('spans-v2', formats.filter((f) => f !== 'envelope')),
    /** Each batch form against one trace per request in the same encoding (what batching saves). */
    ratios_to_single_otlp: {
      ...ratiosTo('otlp-proto', formats.filter((f) => f === 'otlp-proto-batch')),
      ...ratiosTo('otlp-json', formats.filter((f) => f === 'otlp-json-batch')),
    },
    span_definition:
      'a transaction (the segment, root of the trace) or one of its child spans: what Pulse stores as a transaction or a span record; ' +
      'in span_formats.phases, events and eventsPerSecond count spans, envelopes and envelopesPerSecond requests',
  };
}

export type SpanFormatSummary = ReturnType<typeof summarizeSpanFormats>;

export function printSpanFormats(summary: SpanFormatSummary, phases: SpanFormatPhase[]): void {
  const columns = Object.values(summary.formats);
  const ratio = (format: SpanFormat) => summary.ratios_to_envelope[`${format}/${REFERENCE_FORMAT}`];
  const singleRatio = (format: SpanFormat) => Object.entries(summary.ratios_to_single_otlp).find(([key]) => key.startsWith(`${format}/`))?.[1];
  console.log('');
  console.log(
    `Span formats: the same ${fmt(summary.traces)} server traces (${summary.spans_per_trace} spans each) to ${summary.server}, ` +
      `median of ${summary.repeat}, ${summary.seconds} s each; batch forms up to ${summary.batch_traces} traces per export; latency per request`,
  );
  printColumns(
    ['', ...columns.map((c) => c.format)],
    [
      ['spans/s', ...columns.map((c) => fmt(c.spans_per_s))],
      ['requests/s', ...columns.map((c) => fmt(c.requests_per_s))],
      ['ingest CPU ms per 1,000 spans', ...columns.map((c) => fmt(c.cpu_ms_per_1000_spans))],
      ['  / envelope (median of per-round ratios)', ...columns.map((c) => (c.format === REFERENCE_FORMAT ? '1' : ratio(c.format) ? ratio(c.format).cpu_per_span.toFixed(2) : ''))],
      ['  / spans-v2 (median of per-round ratios)', ...columns.map((c) => summary.ratios_to_spans_v2[`${c.format}/spans-v2`]?.cpu_per_span.toFixed(2) ?? '')],
      ['  / one trace per request (same)', ...columns.map((c) => singleRatio(c.format)?.cpu_per_span.toFixed(2) ?? '')],
      ['body bytes per span', ...columns.map((c) => fmt(c.body_bytes_per_span))],
      ['traces / spans per request', ...columns.map((c) => `${fmt(c.traces_per_request)} / ${fmt(c.spans_per_request)}`)],
      ['connections', ...columns.map((c) => fmt(c.connections))],
      ['p50 / p99 per request (ms)', ...columns.map((c) => `${fmt(c.p50_ms)} / ${fmt(c.p99_ms)}`)],
      ['server CPU (cores)', ...columns.map((c) => fmt(c.server_cores))],
      ['Kafka messages per request', ...columns.map((c) => fmt(c.kafka_messages_per_request))],
      ['non-2xx answers (all phases)', ...columns.map((c) => JSON.stringify(c.non_2xx))],
    ],
    [false, ...columns.map(() => true)],
  );
  console.log('');
  printColumns(
    ['phase', 'spans/s', 'requests/s', 'CPU ms / 1,000 spans', 'p50 ms', 'p99 ms', 'server cores', 'statuses'],
    phases.map((p) => [`${p.format} ${p.repetition + 1}`, fmt(p.eventsPerSecond), fmt(p.envelopesPerSecond), fmt(p.serverCpuMsPer1000Events), fmt(p.p50Ms), fmt(p.p99Ms), fmt(p.serverCores), JSON.stringify(p.statuses)]),
    [false, true, true, true, true, true, true, false],
  );
}
