import { EventJsonBudget, normalizeOtlpTraces } from '@pulse/model';
import { decodeOtlpTraces, OtlpTracesRequest } from '@pulse/protocol';
import { OtlpJsonSpan, OtlpJsonTracesRequest } from './otlp';
import { batchOtlpExports, mergeOtlpExports, OTLP_SDK_MAX_EXPORT_SPANS, OtlpTraceExport } from './otlp-batch';
import { otlpRequest } from './otlp-request';
import { parseTarget } from './targets';
import { PUBLIC_KEY, T0_MS } from './testing/generate';
import { Workload } from './workload';

/** The load generator's server traces as single exports, for three projects. */
function singleExports(count: number, seed = 21): OtlpTraceExport[] {
  const workload = new Workload({ seed, idSeed: seed + 1, publicKeys: [PUBLIC_KEY, PUBLIC_KEY, PUBLIC_KEY], mix: { pageload: 0, server: 1, error: 0, session: 0 }, users: 100, tagSentAt: false });
  return Array.from({ length: count }, (_, i) => {
    const forms = workload.nextServerTraceForms(T0_MS + 2 * i);
    return { projectIndex: forms.projectIndex, otlp: forms.otlp };
  });
}

const spansOf = (request: OtlpJsonTracesRequest): OtlpJsonSpan[] => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
const resourceOf = (request: OtlpJsonTracesRequest): string => JSON.stringify(request.resourceSpans[0].resource);
const traceIdsOf = (request: OtlpJsonTracesRequest): string[] => [...new Set(spansOf(request).map((span) => span.traceId))];

const target = parseTarget(`http://${PUBLIC_KEY}@127.0.0.1:8000/7`);

function decoded(request: OtlpJsonTracesRequest): OtlpTracesRequest {
  const { body } = otlpRequest(target, request, 'otlp-proto');
  const result = decodeOtlpTraces(Buffer.isBuffer(body) ? body : Buffer.from(body), 'protobuf', { maxSpans: 10_000 });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return result.request;
}

describe('batchOtlpExports', () => {
  const singles = singleExports(3000);
  const batches = batchOtlpExports(singles, 50);
  const singleByTrace = new Map(singles.map((single) => [traceIdsOf(single.otlp)[0], single]));

  it('carries every span of the single exports exactly once, unchanged', () => {
    const batched = batches.flatMap((batch) => spansOf(batch.request));
    const single = singles.flatMap((one) => spansOf(one.otlp));
    expect(batched).toHaveLength(single.length);
    const byId = new Map(single.map((span) => [span.spanId, span]));
    expect(new Set(batched.map((span) => span.spanId)).size).toBe(batched.length);
    for (const span of batched) expect(span).toEqual(byId.get(span.spanId));
    expect(batches.reduce((sum, batch) => sum + batch.spans, 0)).toBe(single.length);
    expect(batches.reduce((sum, batch) => sum + batch.traces, 0)).toBe(singles.length);
  });

  it('keeps each trace whole, in one batch of its own project and its own resource (one resource per export)', () => {
    for (const batch of batches) {
      expect(batch.request.resourceSpans).toHaveLength(1);
      const traceIds = traceIdsOf(batch.request);
      expect(traceIds).toHaveLength(batch.traces);
      for (const traceId of traceIds) {
        const single = singleByTrace.get(traceId)!;
        expect(single.projectIndex).toBe(batch.projectIndex);
        expect(resourceOf(batch.request)).toBe(resourceOf(single.otlp));
        const spanIds = (request: OtlpJsonTracesRequest) => spansOf(request).filter((span) => span.traceId === traceId).map((span) => span.spanId).sort();
        expect(spanIds(batch.request)).toEqual(spanIds(single.otlp));
      }
    }
  });

  it('fills exports to the size asked for; only each process\'s last export is smaller', () => {
    expect(batches.every((batch) => batch.traces >= 1 && batch.traces <= 50)).toBe(true);
    const processes = new Set(singles.map((single) => `${single.projectIndex} ${resourceOf(single.otlp)}`));
    const partial = batches.filter((batch) => batch.traces < 50);
    expect(partial.length).toBeLessThanOrEqual(processes.size);
    expect(new Set(partial.map((batch) => `${batch.projectIndex} ${resourceOf(batch.request)}`)).size).toBe(partial.length);
    expect(batches.filter((batch) => batch.traces === 50).length).toBeGreaterThan(0);
  });

  it('groups spans by instrumentation scope, each scope once per export, traces in the order drawn', () => {
    for (const batch of batches) {
      const scopes = batch.request.resourceSpans[0].scopeSpans.map((s) => `${s.scope.name}@${s.scope.version}`);
      expect(new Set(scopes).size).toBe(scopes.length);
    }
    const [first] = batches;
    const drawn = singles.filter((single) => traceIdsOf(first.request).includes(traceIdsOf(single.otlp)[0])).map((single) => traceIdsOf(single.otlp)[0]);
    const serverSpans = first.request.resourceSpans[0].scopeSpans.find((s) => s.scope.name === '@opentelemetry/instrumentation-http')!.spans;
    expect(serverSpans.map((span) => span.traceId)).toEqual(drawn);
  });

  it('decodes and normalizes to the records of the single exports: one transaction per trace, the same spans', () => {
    const some = batches.slice(0, 5);
    const ctx = { projectId: 7, receivedAtMs: T0_MS + 60_000, generateEventId: () => 'f'.repeat(32) };
    for (const batch of some) {
      const fromBatch = normalizeOtlpTraces(decoded(batch.request), ctx, new EventJsonBudget());
      const fromSingles = traceIdsOf(batch.request).map((traceId) => normalizeOtlpTraces(decoded(singleByTrace.get(traceId)!.otlp), ctx, new EventJsonBudget()));
      expect(decoded(batch.request).spanCount).toBe(batch.spans);
      expect(fromBatch.rejected).toEqual([]);
      expect(fromBatch.records.transactions.map((t) => t.spanId).sort()).toEqual(fromSingles.flatMap((r) => r.records.transactions.map((t) => t.spanId)).sort());
      expect(fromBatch.records.spans.map((s) => s.spanId).sort()).toEqual(fromSingles.flatMap((r) => r.records.spans.map((s) => s.spanId)).sort());
      expect(fromBatch.records.transactions).toHaveLength(batch.traces);
    }
  });

  it('closes an export before the next trace would take it past the span limit (512 by default), keeping traces whole', () => {
    const capped = batchOtlpExports(singles, 200, 30);
    expect(capped.reduce((sum, batch) => sum + batch.spans, 0)).toBe(batches.reduce((sum, batch) => sum + batch.spans, 0));
    expect(capped.every((batch) => batch.spans <= 30 || batch.traces === 1)).toBe(true);
    expect(Math.max(...capped.map((batch) => batch.spans))).toBeGreaterThan(20);
    const big = batchOtlpExports(singleExports(8000), 200).map((batch) => batch.spans);
    expect(Math.max(...big)).toBeLessThanOrEqual(OTLP_SDK_MAX_EXPORT_SPANS);
    expect(Math.max(...big)).toBeGreaterThan(480);
    expect(() => batchOtlpExports(singles, 5, 0)).toThrow(RangeError);
  });

  it('puts every trace in an export of its own with a batch size of 1, and refuses a size below 1', () => {
    const few = singles.slice(0, 20);
    expect(batchOtlpExports(few, 1).map((batch) => batch.request)).toEqual(few.map((single) => single.otlp));
    expect(() => batchOtlpExports(few, 0)).toThrow(RangeError);
    expect(() => batchOtlpExports(few, 2.5)).toThrow(RangeError);
  });
});

describe('mergeOtlpExports', () => {
  const [a, b] = singleExports(2);

  it('refuses exports of different resources, and an export that already has several', () => {
    const other: OtlpJsonTracesRequest = { resourceSpans: [{ ...b.otlp.resourceSpans[0], resource: { attributes: [{ key: 'service.name', value: { stringValue: 'other' } }] } }] };
    expect(() => mergeOtlpExports([a.otlp, other])).toThrow(/different resources/);
    expect(() => mergeOtlpExports([{ resourceSpans: [...a.otlp.resourceSpans, ...b.otlp.resourceSpans] }])).toThrow(/one resource/);
    expect(() => mergeOtlpExports([])).toThrow(RangeError);
  });

  it('leaves its inputs unchanged', () => {
    const before = JSON.stringify(a.otlp);
    mergeOtlpExports([a.otlp, { resourceSpans: [{ ...a.otlp.resourceSpans[0] }] }]);
    expect(JSON.stringify(a.otlp)).toBe(before);
  });
});
