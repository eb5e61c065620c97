import { EventJsonBudget, normalizeOtlpTraces, TransactionRecord } from '@pulse/model';
import { decodeOtlpTraces, OtlpSpan, OtlpTracesRequest } from '@pulse/protocol';
import type { ServerTraceForms } from './events/server-trace-forms';
import { otlpAttributes, otlpSpanCount, unixNanos } from './otlp';
import { otlpRequest, otlpTracesPath } from './otlp-request';
import { parseTarget } from './targets';
import { PUBLIC_KEY, T0_MS } from './testing/generate';
import { countsOf, PulseReader } from './testing/pulse-reader';
import { Workload } from './workload';

/** The load generator's server transactions in every form, on the fixed clock (2 ms apart). */
function traceForms(count: number, seed = 11): Array<ServerTraceForms & { nowMs: number }> {
  const workload = new Workload({ seed, idSeed: seed + 1, publicKeys: [PUBLIC_KEY], mix: { pageload: 0, server: 1, error: 0, session: 0 }, users: 100, tagSentAt: false });
  return Array.from({ length: count }, (_, i) => ({ ...workload.nextServerTraceForms(T0_MS + 2 * i), nowMs: T0_MS + 2 * i }));
}

const target = parseTarget(`http://${PUBLIC_KEY}@127.0.0.1:8000/7`);

function decoded(forms: ServerTraceForms, format: 'otlp-proto' | 'otlp-json'): OtlpTracesRequest {
  const { body } = otlpRequest(target, forms.otlp, format);
  const result = decodeOtlpTraces(Buffer.isBuffer(body) ? body : Buffer.from(body), format === 'otlp-proto' ? 'protobuf' : 'json', { maxSpans: 1000 });
  if (!result.ok) throw new Error(`${format}: ${result.error.code}: ${result.error.detail}`);
  return result.request;
}

const spansOf = (request: OtlpTracesRequest): OtlpSpan[] => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

interface StreamedSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_timestamp: number;
  end_timestamp: number;
  status: string;
}

function streamedSpans(forms: ServerTraceForms): StreamedSpan[] {
  const [, , payload] = forms.streamed.body.split('\n');
  return (JSON.parse(payload) as { items: StreamedSpan[] }).items;
}

describe('OTLP rendering of server transactions', () => {
  const all = traceForms(400);

  it('carries the same spans as the span-v2 envelope: ids, parents, names, times to the microsecond, error statuses', () => {
    const mismatches = all.flatMap((forms) => {
      const otlp = new Map(spansOf(decoded(forms, 'otlp-proto')).map((span) => [span.spanId, span]));
      const streamed = streamedSpans(forms);
      if (otlp.size !== streamed.length) return [`${forms.traceId}: ${otlp.size} OTLP spans, ${streamed.length} streamed`];
      return streamed.flatMap((span) => {
        const other = otlp.get(span.span_id);
        const same =
          other !== undefined &&
          other.traceId === span.trace_id &&
          other.parentSpanId === (span.parent_span_id ?? '') &&
          other.name === span.name &&
          Math.abs(other.startTimeUnixNano / 1e9 - span.start_timestamp) < 1e-6 &&
          Math.abs(other.endTimeUnixNano / 1e9 - span.end_timestamp) < 1e-6 &&
          (other.status.code === 2) === (span.status === 'error');
        return same ? [] : [`${forms.traceId}/${span.span_id}: ${JSON.stringify(other)} vs ${JSON.stringify(span)}`];
      });
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('decodes to the same request from protobuf and from OTLP/JSON, with every span counted', () => {
    for (const forms of all.slice(0, 100)) {
      const proto = decoded(forms, 'otlp-proto');
      expect(decoded(forms, 'otlp-json')).toEqual(proto);
      expect(proto.spanCount).toBe(forms.spans);
      expect(otlpSpanCount(forms.otlp)).toBe(forms.spans);
    }
  });

  it('becomes the records the envelope forms become: one transaction per trace, its children as spans, nothing refused', () => {
    const reader = new PulseReader(7);
    const problems: string[] = [];
    for (const forms of all) {
      const receivedAtMs = forms.nowMs + 5;
      const ctx = { projectId: 7, receivedAtMs, generateEventId: () => 'f'.repeat(32) };
      const { records, rejected } = normalizeOtlpTraces(decoded(forms, 'otlp-proto'), ctx, new EventJsonBudget());
      const streamed = reader.read(forms.streamed.body, receivedAtMs);
      const classic = reader.read(forms.classic.body, receivedAtMs);
      problems.push(...rejected.map((r) => r.reason), ...streamed.problems, ...classic.problems);
      for (const [name, counts] of [
        ['otlp', countsOf(records)],
        ['streamed', countsOf(streamed.records)],
        ['classic', countsOf(classic.records)],
      ] as const) {
        if (JSON.stringify(counts) !== JSON.stringify(forms.classic.expected)) problems.push(`${forms.traceId} ${name}: ${JSON.stringify(counts)}`);
      }
      const pick = (t: TransactionRecord) => ({ traceId: t.traceId, spanId: t.spanId, name: t.name, op: t.op, status: t.status, release: t.release, environment: t.environment, httpStatusCode: t.httpStatusCode, userId: t.userId });
      expect(records.transactions.map(pick)).toEqual(streamed.records.transactions.map(pick));
      expect(records.spans.map((s) => s.spanId).sort()).toEqual(classic.records.spans.map((s) => s.spanId).sort());
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('covers failed requests (error status with the span status as message) and every child scope', () => {
    const servers = all.map((forms) => spansOf(decoded(forms, 'otlp-json')).find((span) => span.parentSpanId === '')!);
    expect(servers.filter((span) => span.status.code === 2).length).toBeGreaterThan(0);
    expect(servers.filter((span) => span.status.code === 2).every((span) => span.status.message !== '')).toBe(true);
    const scopes = new Set(all.flatMap((forms) => forms.otlp.resourceSpans[0].scopeSpans.map((s) => s.scope.name)));
    expect([...scopes].sort()).toEqual(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-pg', '@opentelemetry/instrumentation-undici', 'shop-api']);
  });
});

describe('OTLP values', () => {
  it('writes epoch nanoseconds exactly, at the envelopes\' microsecond precision', () => {
    expect(unixNanos(1_764_000_000_123.457)).toBe('1764000000123457000');
    expect(unixNanos(1000.0006)).toBe('1000001000');
    expect(unixNanos(T0_MS)).toBe(`${T0_MS}000000`);
  });

  it('types attributes by their JS value and leaves undefined out', () => {
    expect(otlpAttributes({ a: 'x', b: 200, c: 0.5, d: true, e: ['k'], f: undefined })).toEqual([
      { key: 'a', value: { stringValue: 'x' } },
      { key: 'b', value: { intValue: '200' } },
      { key: 'c', value: { doubleValue: 0.5 } },
      { key: 'd', value: { boolValue: true } },
      { key: 'e', value: { arrayValue: { values: [{ stringValue: 'k' }] } } },
    ]);
  });
});

describe('otlpRequest', () => {
  const [forms] = traceForms(1);

  it('posts to the project\'s OTLP path with the key in x-sentry-auth and the encoding\'s content type', () => {
    const proto = otlpRequest(target, forms.otlp, 'otlp-proto');
    const json = otlpRequest(target, forms.otlp, 'otlp-json');
    expect(proto.path).toBe('/api/7/integration/otlp/v1/traces');
    expect(proto.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-sentry-auth': `sentry sentry_key=${PUBLIC_KEY}`, 'content-length': proto.body.length });
    expect(json.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': json.body.length });
    expect(JSON.parse(json.body.toString())).toEqual(forms.otlp);
    expect(proto.body.length).toBeLessThan(json.body.length);
  });

  it('keeps the DSN\'s path prefix', () => {
    expect(otlpTracesPath(parseTarget(`http://${PUBLIC_KEY}@127.0.0.1/pulse/3`))).toBe('/pulse/api/3/integration/otlp/v1/traces');
  });
});
