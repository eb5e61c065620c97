import type { OtlpJsonTracesRequest } from '@pulse/loadgen';
import { isBatchSpanFormat, parseSpanFormats, prepareSpanFormatRequests, SPAN_FORMATS, SpanFormat } from './span-bodies';
import { SpanFormatPhase, spanFormatConnections, summarizeSpanFormats } from './span-formats';
import type { IngestBenchOptions } from './options';
import type { BenchServer } from './phase';

const projects = [
  { id: 1, key: '0123456789abcdef0123456789abcdef' },
  { id: 2, key: 'fedcba9876543210fedcba9876543210' },
];
const NOW_MS = Date.UTC(2026, 11, 8, 1, 0, 0);

describe('parseSpanFormats', () => {
  it('reads a list in the order given, and none', () => {
    expect(parseSpanFormats('otlp-json, envelope')).toEqual(['otlp-json', 'envelope']);
    expect(parseSpanFormats(SPAN_FORMATS.join(','))).toEqual([...SPAN_FORMATS]);
    expect(parseSpanFormats('none')).toEqual([]);
  });

  it('refuses unknown and repeated formats', () => {
    expect(() => parseSpanFormats('envelope,otlp')).toThrow(/--span-formats takes/);
    expect(() => parseSpanFormats('envelope,envelope')).toThrow(/twice/);
    expect(() => parseSpanFormats('')).toThrow(/--span-formats takes/);
  });
});

describe('prepareSpanFormatRequests', () => {
  const bodies = prepareSpanFormatRequests({ count: 60, seed: 5, formats: SPAN_FORMATS, projects, nowMs: NOW_MS, tracesPerBatch: 4 });
  const single = SPAN_FORMATS.filter((format) => !isBatchSpanFormat(format));
  const envelopeTraceId = (body: Buffer): string => (JSON.parse(body.toString().split('\n')[0]) as { trace: { trace_id: string } }).trace.trace_id;
  const otlpJsonTraceId = (body: Buffer): string =>
    (JSON.parse(body.toString()) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> }).resourceSpans[0].scopeSpans[0].spans[0].traceId;

  it('writes the same traces in every single format, in the same order, to the same projects', () => {
    for (const format of single) expect(bodies.requests[format]).toHaveLength(60);
    for (let i = 0; i < 60; i++) {
      const envelope = bodies.requests.envelope[i];
      const traceId = envelopeTraceId(envelope.body);
      expect(envelopeTraceId(bodies.requests['spans-v2'][i].body)).toBe(traceId);
      expect(otlpJsonTraceId(bodies.requests['otlp-json'][i].body)).toBe(traceId);
      // Protobuf carries the id as its 16 bytes.
      expect(bodies.requests['otlp-proto'][i].body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
      const project = envelope.path.split('/')[2];
      for (const format of single) {
        expect(bodies.requests[format][i].events).toBe(envelope.events);
        expect(bodies.requests[format][i].path.split('/')[2]).toBe(project);
      }
    }
    expect(bodies.spans).toBe(bodies.requests.envelope.reduce((sum, r) => sum + r.events, 0));
  });

  it('gives each format its body bytes per span; protobuf is the smallest', () => {
    const bytes = bodies.bodyBytesPerSpan;
    expect(Object.keys(bytes).sort()).toEqual([...SPAN_FORMATS].sort());
    expect(bytes['otlp-proto']!).toBeLessThan(Math.min(bytes['otlp-json']!, bytes.envelope!, bytes['spans-v2']!));
    expect(bytes['otlp-proto']).toBeCloseTo(bodies.requests['otlp-proto'].reduce((sum, r) => sum + r.body.length, 0) / bodies.spans, 1);
  });

  it('writes the same traces in the batch forms, up to 4 of one project and one resource per export, every span counted', () => {
    const byTrace = new Map(bodies.requests.envelope.map((r) => [envelopeTraceId(r.body), r]));
    const json = bodies.requests['otlp-json-batch'];
    const proto = bodies.requests['otlp-proto-batch'];
    expect(proto).toHaveLength(json.length);
    expect(json.length).toBeLessThan(60);
    const seen: string[] = [];
    json.forEach((request, i) => {
      const exported = JSON.parse(request.body.toString()) as OtlpJsonTracesRequest;
      expect(exported.resourceSpans).toHaveLength(1);
      const traceIds = [...new Set(exported.resourceSpans[0].scopeSpans.flatMap((s) => s.spans.map((span) => span.traceId)))];
      expect(traceIds.length).toBeGreaterThanOrEqual(1);
      expect(traceIds.length).toBeLessThanOrEqual(4);
      seen.push(...traceIds);
      expect(request.events).toBe(traceIds.reduce((sum, id) => sum + byTrace.get(id)!.events, 0));
      expect(proto[i].events).toBe(request.events);
      for (const id of traceIds) {
        expect(byTrace.get(id)!.path.split('/')[2]).toBe(request.path.split('/')[2]);
        expect(proto[i].body.includes(Buffer.from(id, 'hex'))).toBe(true);
      }
      expect(proto[i].path).toBe(request.path);
      expect(proto[i].headers['content-type']).toBe('application/x-protobuf');
      expect(request.headers['content-type']).toBe('application/json');
    });
    expect(seen.sort()).toEqual([...byTrace.keys()].sort());
    expect(bodies.tracesPerRequest['otlp-json-batch']).toBeCloseTo(60 / json.length, 2);
    expect(bodies.spansPerRequest['otlp-proto-batch']).toBeCloseTo(bodies.spans / proto.length, 2);
    expect(bodies.tracesPerRequest.envelope).toBe(1);
  });

  it('makes a batch cheaper in bytes per span than one trace per request (one resource per export)', () => {
    const bytes = bodies.bodyBytesPerSpan;
    expect(bytes['otlp-proto-batch']!).toBeLessThan(bytes['otlp-proto']!);
    expect(bytes['otlp-json-batch']!).toBeLessThan(bytes['otlp-json']!);
  });

  it('prepares only the formats asked for', () => {
    const some = prepareSpanFormatRequests({ count: 5, seed: 5, formats: ['otlp-json'], projects, nowMs: NOW_MS, tracesPerBatch: 200 });
    expect(some.requests.envelope).toEqual([]);
    expect(Object.keys(some.bodyBytesPerSpan)).toEqual(['otlp-json']);
  });
});

describe('summarizeSpanFormats', () => {
  const server: BenchServer = { name: 'ingest', kind: 'ingest', workers: 1, port: 1, pid: 1, idleRssMb: 0, rssSamplesMb: [] };
  const bench = { repeat: 3, spanSeconds: 10, connections: 64, spanBatchConnections: 4 } as IngestBenchOptions;
  const phase = (format: SpanFormat, repetition: number, cpu: number, spansPerSecond: number): SpanFormatPhase => ({
    format,
    server: 'ingest',
    workers: 1,
    repetition,
    processes: 1,
    seconds: 10,
    connections: 64,
    envelopes: (spansPerSecond / 4) * 10,
    events: spansPerSecond * 10,
    envelopesPerSecond: spansPerSecond / 4,
    eventsPerSecond: spansPerSecond,
    statuses: { '200': 100, '429': repetition },
    clientCores: 0.2,
    bodyBytes: 0,
    p50Ms: 10,
    p90Ms: 30,
    p99Ms: 40,
    maxMs: 50,
    serverCores: 1,
    serverCpuMsPer1000Events: cpu,
    kafkaCores: NaN,
    kafkaMessagesPerSecond: spansPerSecond / 2,
    kafkaMessagesPerEnvelope: 2,
    batchesPerSecond: 10,
    meanBatchAckMs: 3,
    rssMb: { median: 100, max: 110, samples: 20 },
  });
  const bodies = {
    traces: 100,
    spansPerTrace: 4,
    tracesPerBatch: 200,
    bodyBytesPerSpan: { envelope: 400, 'otlp-proto': 100, 'otlp-proto-batch': 50 },
    tracesPerRequest: { envelope: 1, 'otlp-proto': 1, 'otlp-proto-batch': 150 },
    spansPerRequest: { envelope: 4, 'otlp-proto': 4, 'otlp-proto-batch': 600 },
  } as unknown as Parameters<typeof summarizeSpanFormats>[3];

  it('compares each format with the classic envelope per repetition, and takes the median of those ratios', () => {
    // The machine got busier in round 2: both formats cost more, their ratio did not move much.
    const phases = [phase('envelope', 0, 200, 4000), phase('otlp-proto', 0, 180, 4400), phase('otlp-proto', 1, 400, 2000), phase('envelope', 1, 500, 1800), phase('envelope', 2, 210, 3900), phase('otlp-proto', 2, 200, 4100)];
    const summary = summarizeSpanFormats(phases, server, ['envelope', 'otlp-proto'], bodies, bench);
    const ratio = summary.ratios_to_envelope['otlp-proto/envelope'];
    expect(ratio.cpu_per_span_by_repetition).toEqual([0.9, 0.8, 0.952]);
    expect(ratio.cpu_per_span).toBe(0.9);
    expect(summary.formats.envelope).toMatchObject({ cpu_ms_per_1000_spans: 210, spans_per_s: 3900, body_bytes_per_span: 400, non_2xx: { '429': 3 } });
    expect(summary.formats['otlp-proto']).toMatchObject({ cpu_ms_per_1000_spans: 200, spans_per_s: 4100 });
    expect(ratio.body_bytes_per_span).toBe(0.25);
    expect(ratio.spans_per_s).toBe(round3(4100 / 3900));
  });

  it('compares OTLP with the streamed spans too, and nothing else with them', () => {
    const phases = [phase('spans-v2', 0, 100, 4000), phase('otlp-json', 0, 120, 3000), phase('envelope', 0, 80, 5000)];
    const summary = summarizeSpanFormats(phases, server, ['spans-v2', 'otlp-json', 'envelope'], bodies, { ...bench, repeat: 1 });
    expect(Object.keys(summary.ratios_to_spans_v2)).toEqual(['otlp-json/spans-v2']);
    expect(summary.ratios_to_spans_v2['otlp-json/spans-v2'].cpu_per_span).toBe(1.2);
    expect(Object.keys(summary.ratios_to_envelope)).toEqual(['spans-v2/envelope', 'otlp-json/envelope']);
    expect(summary.ratios_to_envelope['otlp-json/envelope'].cpu_per_span).toBe(1.5);
  });

  it('compares a batch form with the envelope, the streamed spans and its single form, and says its connections and request size', () => {
    const phases = [phase('envelope', 0, 100, 4000), phase('otlp-proto', 0, 120, 3000), phase('otlp-proto-batch', 0, 80, 6000), phase('spans-v2', 0, 110, 3500)];
    const summary = summarizeSpanFormats(phases, server, ['envelope', 'otlp-proto', 'otlp-proto-batch', 'spans-v2'], bodies, { ...bench, repeat: 1 });
    expect(summary.ratios_to_envelope['otlp-proto-batch/envelope'].cpu_per_span).toBe(0.8);
    expect(Object.keys(summary.ratios_to_spans_v2)).toEqual(['otlp-proto/spans-v2', 'otlp-proto-batch/spans-v2']);
    expect(summary.ratios_to_single_otlp).toEqual({ 'otlp-proto-batch/otlp-proto': expect.objectContaining({ cpu_per_span: 0.667, body_bytes_per_span: 0.5 }) });
    expect(summary.formats['otlp-proto-batch']).toMatchObject({ connections: 4, traces_per_request: 150, spans_per_request: 600 });
    expect(summary.formats.envelope).toMatchObject({ connections: 64, traces_per_request: 1 });
    expect(summary).toMatchObject({ batch_traces: 200, batch_connections: 4 });
  });

  it('gives the batch forms their own connection count', () => {
    expect(SPAN_FORMATS.map((format) => spanFormatConnections(format, bench))).toEqual([64, 64, 64, 64, 4, 4]);
  });

  it('has no ratios without the envelope format', () => {
    const summary = summarizeSpanFormats([phase('otlp-proto', 0, 100, 1000)], server, ['otlp-proto'], bodies, { ...bench, repeat: 1 });
    expect(summary.ratios_to_envelope).toEqual({});
  });
});

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
