// What the pure part of ingest (decoding and normalization, no HTTP, no Kafka) costs per span in
// each span format, in this process, on the span-format comparison's traces:
//   node dist/scripts/bench/ingest/span-decode-cost.js [--traces 20000] [--batch-traces 200] [--passes 1] [--rounds 5] [--seed 42]
// The server-side comparison (span-formats.ts) says how much more a format costs; this says how
// much of that is the decoder and the mapping, the parts a library change can take away. The
// traces are drawn for 3 projects as the server benchmark's, so the batch forms (up to
// --batch-traces traces of one project and SDK process per export) are the exports it sends. Each
// round runs every format over every trace --passes times; CPU per 1,000 spans is the median over
// the rounds, for decode + normalize and for decode alone. Indicative: the process shares the machine.
import { EventJsonBudget, normalizeItem, normalizeOtlpTraces, SpanBatchContext, StoredItemKind } from '@pulse/model';
import { decodeOtlpTraces, itemKind, parseEnvelope } from '@pulse/protocol';
import { parseArgs } from 'node:util';
import { numberFlags } from '../flags';
import { runMain } from '../run-main';
import { median, round } from '../stats';
import { printColumns } from '../table';
import { OTLP_WIRE_FORMAT, OtlpSpanFormat, prepareSpanFormatRequests, SPAN_FORMATS, SpanFormat } from './span-bodies';

const PROJECTS = [1, 2, 3].map((id) => ({ id, key: `${id}`.repeat(32) }));
/** INGEST_MAX_OTLP_SPANS' default: a batch of 200 traces holds ~510 spans. */
const MAX_OTLP_SPANS = 10_000;

const context = (): SpanBatchContext => ({ projectId: PROJECTS[0].id, receivedAtMs: Date.now(), generateEventId: () => 'f'.repeat(32) });

/** The envelope's items, parsed as JSON (what every envelope item costs before its reader). */
function envelopeItems(body: Buffer): Array<{ kind: StoredItemKind; json: unknown }> {
  const parsed = parseEnvelope(body, { maxItems: 1000, maxItemBytes: 1024 * 1024 });
  if (!parsed.ok) throw new Error(`envelope: ${parsed.error.code}: ${parsed.error.detail}`);
  return parsed.envelope.items.map((item) => ({ kind: itemKind(item.type) as StoredItemKind, json: JSON.parse(item.payload.toString('utf8')) }));
}

function otlpDecoded(body: Buffer, format: OtlpSpanFormat) {
  const result = decodeOtlpTraces(body, OTLP_WIRE_FORMAT[format] === 'otlp-proto' ? 'protobuf' : 'json', { maxSpans: MAX_OTLP_SPANS });
  if (!result.ok) throw new Error(`${format}: ${result.error.code}: ${result.error.detail}`);
  return result.request;
}

const decodeOtlp = (format: OtlpSpanFormat) => (body: Buffer) => void otlpDecoded(body, format);
const normalizeOtlp = (format: OtlpSpanFormat) => (body: Buffer) => void normalizeOtlpTraces(otlpDecoded(body, format), context(), new EventJsonBudget());

const DECODE: Record<SpanFormat, (body: Buffer) => void> = {
  envelope: (body) => void envelopeItems(body),
  'spans-v2': (body) => void envelopeItems(body),
  'otlp-proto': decodeOtlp('otlp-proto'),
  'otlp-json': decodeOtlp('otlp-json'),
  'otlp-proto-batch': decodeOtlp('otlp-proto-batch'),
  'otlp-json-batch': decodeOtlp('otlp-json-batch'),
};

const normalizeEnvelope = (body: Buffer): void => {
  for (const { kind, json } of envelopeItems(body)) {
    const result = normalizeItem(kind, json, context());
    if (!result.ok) throw new Error(`${kind}: ${result.reason}`);
  }
};

const DECODE_AND_NORMALIZE: Record<SpanFormat, (body: Buffer) => void> = {
  envelope: normalizeEnvelope,
  'spans-v2': normalizeEnvelope,
  'otlp-proto': normalizeOtlp('otlp-proto'),
  'otlp-json': normalizeOtlp('otlp-json'),
  'otlp-proto-batch': normalizeOtlp('otlp-proto-batch'),
  'otlp-json-batch': normalizeOtlp('otlp-json-batch'),
};

/** CPU ms of this process per 1,000 spans for `passes` passes of `step` over `bodies`. */
function cpuMsPer1000Spans(step: (body: Buffer) => void, bodies: readonly Buffer[], spans: number, passes: number): number {
  const start = process.cpuUsage();
  for (let pass = 0; pass < passes; pass++) for (const body of bodies) step(body);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000 / (spans * passes)) * 1000;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      traces: { type: 'string', default: '20000' },
      'batch-traces': { type: 'string', default: '200' },
      passes: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '5' },
      seed: { type: 'string', default: '42' },
    },
  });
  const int = numberFlags(values);
  const [traces, tracesPerBatch, passes, rounds, seed] = [int('traces', 1, 100_000), int('batch-traces', 1, 10_000), int('passes', 1, 100), int('rounds', 1, 100), int('seed', 0, 2 ** 31 - 1)];
  const prepared = prepareSpanFormatRequests({ count: traces, seed, formats: SPAN_FORMATS, projects: PROJECTS, nowMs: Date.now(), tracesPerBatch });
  const bodies = (format: SpanFormat) => prepared.requests[format].map((request) => request.body);
  // Warm-up: the JIT compiles every path before the first measured round.
  for (const format of SPAN_FORMATS) cpuMsPer1000Spans(DECODE_AND_NORMALIZE[format], bodies(format), prepared.spans, 2);
  const samples = new Map(SPAN_FORMATS.map((format) => [format, { full: [] as number[], decode: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const format of SPAN_FORMATS) {
      samples.get(format)!.full.push(cpuMsPer1000Spans(DECODE_AND_NORMALIZE[format], bodies(format), prepared.spans, passes));
      samples.get(format)!.decode.push(cpuMsPer1000Spans(DECODE[format], bodies(format), prepared.spans, passes));
    }
  }
  console.log(`${traces} server traces, ${prepared.spans} spans, batches of up to ${tracesPerBatch} traces; CPU ms per 1,000 spans in this process, median of ${rounds} rounds of ${passes} passes`);
  printColumns(
    ['format', 'decode + normalize', 'decode only', 'normalize (difference)', 'body bytes per span', 'spans per request'],
    SPAN_FORMATS.map((format) => {
      const { full, decode } = samples.get(format)!;
      const [f, d] = [round(median(full), 1), round(median(decode), 1)];
      return [format, String(f), String(d), String(round(f - d, 1)), String(prepared.bodyBytesPerSpan[format]), String(prepared.spansPerRequest[format])];
    }),
    [false, true, true, true, true, true],
  );
  return 0;
}

runMain('pulse span decode cost', main);
