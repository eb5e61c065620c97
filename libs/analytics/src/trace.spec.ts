import { QueryParameterError } from './time-range';
import { compileTraceQueries, parseTraceId, TRACE_ROW_LIMITS, traceRange } from './trace.query';
import { toTraceResponse, TraceSpanRow, TraceTransactionRow } from './trace.result';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 12);

describe('traceRange', () => {
  it('defaults to the last maxRangeDays days', () => {
    expect(traceRange(undefined, undefined, NOW, 31)).toEqual({ fromMs: NOW - 31 * DAY, toMs: NOW });
    expect(traceRange('', '', NOW, 31)).toEqual({ fromMs: NOW - 31 * DAY, toMs: NOW });
  });

  it('takes from and to as given, and fills in the one missing', () => {
    expect(traceRange('1000', '5000', NOW, 31)).toEqual({ fromMs: 1000, toMs: 5000 });
    expect(traceRange(undefined, String(NOW - DAY), NOW, 2)).toEqual({ fromMs: NOW - 3 * DAY, toMs: NOW - DAY });
    expect(traceRange(String(NOW - DAY), undefined, NOW, 2)).toEqual({ fromMs: NOW - DAY, toMs: NOW });
  });

  it('refuses a range longer than maxRangeDays or reversed', () => {
    expect(() => traceRange(String(NOW - 3 * DAY), undefined, NOW, 2)).toThrow('the time range may span at most 2 days');
    expect(() => traceRange('5000', '1000', NOW, 2)).toThrow('to must be after from');
    expect(() => traceRange('yesterday', undefined, NOW, 2)).toThrow(QueryParameterError);
  });
});

describe('trace queries', () => {
  it('accepts a trace id of 32 hex characters, in lower case', () => {
    expect(parseTraceId('ABCDEF0123456789ABCDEF0123456789')).toBe('abcdef0123456789abcdef0123456789');
    expect(() => parseTraceId('abc')).toThrow('trace id "abc" must be 32 hex characters');
  });

  it('looks up each table by project, bound trace id and range, one row over each limit', () => {
    const queries = compileTraceQueries({ projectId: 4, traceId: 'f'.repeat(32), range: { fromMs: 10, toMs: 20 } });
    for (const [kind, query] of Object.entries(queries)) {
      expect(query.sql).toContain('trace_id = {trace_id:String}');
      expect(query.sql).toContain('project_id = {project_id:UInt64}');
      expect(query.sql).toContain(`LIMIT ${TRACE_ROW_LIMITS[kind as keyof typeof TRACE_ROW_LIMITS] + 1}`);
      expect(query.params).toEqual({ project_id: 4, trace_id: 'f'.repeat(32), from: 10, to: 20 });
    }
    expect(queries.spans.sql).toContain('FROM spans');
  });
});

const transaction = (spanId: string, parent: string, start: number, end: number): TraceTransactionRow => ({
  event_id: `e-${spanId}`, span_id: spanId, parent_span_id: parent, name: `tx ${spanId}`, op: 'http.server', status: 'ok',
  start_ms: String(start), end_ms: String(end), duration_ms: end - start, release: '1.0', environment: 'production',
});
const span = (spanId: string, parent: string, start: number, end: number): TraceSpanRow => ({
  span_id: spanId, parent_span_id: parent, segment_id: 't1', op: 'db', description: 'SELECT 1', status: 'ok',
  start_ms: start, end_ms: end, duration_ms: end - start,
});

describe('toTraceResponse', () => {
  it('answers null when nothing of the trace was found', () => {
    expect(toTraceResponse('t', { transactions: [], spans: [], errors: [] })).toBeNull();
  });

  it('places transactions and spans in one waterfall and spans the errors in start and end', () => {
    const response = toTraceResponse('t', {
      transactions: [transaction('t1', '', 100, 200), transaction('t2', 's1', 120, 150)],
      spans: [span('s1', 't1', 110, 160), span('s2', 't2', 125, 130)],
      errors: [{ event_id: 'x', timestamp_ms: '250', title: 'Boom', level: 'error', span_id: 's2', fingerprint: 'f' }],
    });
    expect(response).toMatchObject({ trace_id: 't', start: 100, end: 250, duration_ms: 150, truncated: false });
    expect(response?.transactions.map((t) => [t.span_id, t.depth, t.position, t.start])).toEqual([['t1', 0, 0, 100], ['t2', 2, 2, 120]]);
    expect(response?.spans.map((s) => [s.span_id, s.depth, s.position])).toEqual([['s1', 1, 1], ['s2', 3, 3]]);
    expect(response?.errors).toEqual([{ event_id: 'x', timestamp: 250, title: 'Boom', level: 'error', span_id: 's2', fingerprint: 'f' }]);
  });

  it('says truncated and drops the extra row a query returned over its limit', () => {
    const spans = Array.from({ length: TRACE_ROW_LIMITS.spans + 1 }, (_, i) => span(`s${i}`, 't1', i, i + 1));
    const response = toTraceResponse('t', { transactions: [], spans, errors: [] });
    expect(response?.truncated).toBe(true);
    expect(response?.spans).toHaveLength(TRACE_ROW_LIMITS.spans);
  });

  it('describes a trace of errors only', () => {
    const response = toTraceResponse('t', { transactions: [], spans: [], errors: [{ event_id: 'x', timestamp_ms: 5, title: '', level: 'error', span_id: '', fingerprint: 'f' }] });
    expect(response).toMatchObject({ start: 5, end: 5, duration_ms: 0, transactions: [], spans: [] });
  });
});
