import type { ExceptionRecord, StackFrame } from '@pulse/model';
import { ErrorEventDetailRow, toErrorEventDetail } from './issue-event-detail';
import { mergeFrames } from './issue-event-frames';

const T = Date.UTC(2026, 11, 7, 12, 0, 0);

function recordFrame(i: number, inApp = i % 2 === 0): StackFrame {
  return { filename: `f${i}.js`, absPath: `/app/f${i}.js`, function: `fn${i}`, module: '', lineno: i, colno: 1, inApp, contextLine: `line ${i}` };
}

const sentFrame = (i: number) => ({ filename: `f${i}.js`, function: `fn${i}`, lineno: i, pre_context: [`before ${i}`], context_line: `line ${i} in full`, post_context: [`after ${i}`], vars: { i }, in_app: true });

function row(overrides: Partial<ErrorEventDetailRow> & { chain?: ExceptionRecord[]; event?: unknown }): ErrorEventDetailRow {
  const { chain = [], event, ...rest } = overrides;
  return {
    event_id: 'a'.repeat(32), timestamp_ms: String(T), received_at_ms: T + 1500, level: 'error', platform: 'node', title: 'TypeError: x', message: '',
    culprit: 'fn2(f2.js)', fingerprint: 'b'.repeat(32), exceptions: JSON.stringify(chain), transaction: 'GET /cart', trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16),
    release: '1.0.0', environment: 'production', dist: '', user_id: 'user-1', sdk_name: 'sentry.javascript.node', sdk_version: '9.0.0',
    tags: { zone: 'eu', browser: 'Chrome' }, event_json: event === undefined ? '' : JSON.stringify(event), ...rest,
  };
}

describe('mergeFrames', () => {
  it('pairs equal stacks by index, the in-app flag from the record and context lines and vars from the JSON', () => {
    const { frames, framesOmitted } = mergeFrames([recordFrame(0), recordFrame(1)], [sentFrame(0), sentFrame(1)]);
    expect(framesOmitted).toBe(0);
    expect(frames[1]).toEqual({
      filename: 'f1.js', absPath: '/app/f1.js', module: '', function: 'fn1', lineno: 1, colno: 1, inApp: false,
      contextLine: 'line 1 in full', preContext: ['before 1'], postContext: ['after 1'], vars: { i: 1 },
    });
  });

  it('pairs a long stack the record kept the ends of with the JSON frames at both ends', () => {
    const sent = Array.from({ length: 300 }, (_, i) => sentFrame(i));
    const recorded = [...Array.from({ length: 125 }, (_, i) => recordFrame(i)), ...Array.from({ length: 125 }, (_, i) => recordFrame(175 + i))];
    const { frames, framesOmitted } = mergeFrames(recorded, sent);
    expect(framesOmitted).toBe(50);
    expect(frames.map((frame) => frame.preContext[0])).toEqual(recorded.map((frame) => `before ${frame.lineno}`));
    expect(frames.map((frame) => frame.inApp)).toEqual(recorded.map((frame) => frame.inApp));
  });

  it('keeps the record frames without context when the JSON has fewer frames', () => {
    const { frames } = mergeFrames([recordFrame(0), recordFrame(1)], [sentFrame(0)]);
    expect(frames.map((frame) => [frame.contextLine, frame.preContext])).toEqual([['line 0', []], ['line 1', []]]);
  });
});

describe('toErrorEventDetail', () => {
  const chain: ExceptionRecord[] = [
    { type: 'Error', value: 'cause', mechanism: 'chained', handled: true, frames: [recordFrame(0)] },
    { type: 'TypeError', value: 'x', mechanism: 'onunhandledrejection', handled: false, frames: [recordFrame(1, true), recordFrame(2, false)] },
  ];
  const event = {
    event_id: 'a'.repeat(32), platform: 'node', level: 'error',
    exception: { values: [
      { type: 'Error', value: 'cause', stacktrace: { frames: [sentFrame(0)] }, mechanism: { type: 'chained', source: 'cause', exception_id: 1 } },
      { type: 'TypeError', value: 'x', module: 'app', thread_id: 7, stacktrace: { frames: [sentFrame(1), sentFrame(2)] }, mechanism: { type: 'onunhandledrejection', handled: false, data: { a: 1 } } },
    ] },
    user: { id: 'user-1', email: 'u@example.com', ip_address: '{{auto}}', segment: 'paid' },
    request: { url: 'https://shop.example/cart', method: 'GET', headers: { Accept: 'text/html' } },
    contexts: { runtime: { name: 'node', version: 'v22.1.0' }, trace: { trace_id: 'c'.repeat(32) } },
    breadcrumbs: { values: [{ category: 'http', message: 'GET /api' }] },
    extra: { cart: 3 }, modules: { express: '5.0.0' }, fingerprint: ['{{ default }}'], logentry: { message: 'x %s', params: ['y'] }, server_name: 'web-1',
  };

  it('builds the whole Sentry-like event from the columns and the JSON, outermost exception last', () => {
    const detail = toErrorEventDetail(row({ chain, event }));
    expect(detail).toMatchObject({
      eventId: 'a'.repeat(32), fingerprint: 'b'.repeat(32), timestamp: '2026-12-07T12:00:00.000Z', receivedAt: '2026-12-07T12:00:01.500Z',
      trace: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) }, user: event.user, request: event.request, contexts: event.contexts,
      breadcrumbs: [{ category: 'http', message: 'GET /api' }], sdk: { name: 'sentry.javascript.node', version: '9.0.0' },
      tags: [{ key: 'browser', value: 'Chrome' }, { key: 'zone', value: 'eu' }],
      unmodelled: { extra: { cart: 3 }, modules: { express: '5.0.0' }, fingerprint: ['{{ default }}'], logentry: event.logentry, server_name: 'web-1' },
    });
    expect(detail.trimmed).toBeUndefined();
    expect(detail.exceptions.map((e) => [e.type, e.module, e.threadId, e.mechanism])).toEqual([
      ['Error', undefined, undefined, { type: 'chained', handled: true, source: 'cause', exception_id: 1 }],
      ['TypeError', 'app', 7, { type: 'onunhandledrejection', handled: false, data: { a: 1 } }],
    ]);
    expect(detail.exceptions[1].stacktrace.frames.map((f) => [f.inApp, f.preContext, f.vars])).toEqual([[true, ['before 1'], { i: 1 }], [false, ['before 2'], { i: 2 }]]);
  });

  it('aligns the chain from its end when the record kept only the last exceptions', () => {
    const longEvent = { ...event, exception: { values: [{ type: 'Dropped', stacktrace: { frames: [sentFrame(9)] } }, ...event.exception.values] } };
    expect(toErrorEventDetail(row({ chain, event: longEvent })).exceptions.map((e) => e.stacktrace.frames[0].preContext)).toEqual([['before 0'], ['before 1']]);
  });

  it("takes a message event's stack from the thread the normalizer used, with its id", () => {
    const threadChain: ExceptionRecord[] = [{ type: '', value: 'hello', mechanism: '', handled: true, frames: [recordFrame(4), recordFrame(5)] }];
    const threads = { values: [{ id: 1, current: true, stacktrace: { frames: [sentFrame(0)] } }, { id: 2, crashed: true, stacktrace: { frames: [sentFrame(4), sentFrame(5)] } }] };
    const detail = toErrorEventDetail(row({ chain: threadChain, event: { message: 'hello', threads } }));
    expect(detail.threads).toEqual(threads);
    expect(detail.unmodelled).toEqual({});
    expect(toErrorEventDetail(row({ chain: threadChain, event: { message: { message: 'hi %s', params: ['x'] }, threads } })).unmodelled).toEqual({ message: { message: 'hi %s', params: ['x'] } });
    expect(detail.exceptions).toHaveLength(1);
    expect(detail.exceptions[0].threadId).toBe(2);
    expect(detail.exceptions[0].stacktrace.frames.map((f) => f.postContext)).toEqual([['after 4'], ['after 5']]);
  });

  it('says what ingest trimmed and does not list its note as unmodelled', () => {
    const reduced = { ...event, extra: undefined, _pulse: { trimmed: ['vars', 'extra'], originalBytes: 400_000 } };
    const detail = toErrorEventDetail(row({ chain, event: reduced }));
    expect(detail.trimmed).toEqual(['vars', 'extra']);
    expect(Object.keys(detail.unmodelled)).not.toContain('_pulse');
  });

  it('builds the detail from the columns alone for a row written before event_json', () => {
    const detail = toErrorEventDetail(row({ chain, trace_id: '', span_id: '' }));
    expect(detail).toMatchObject({ trimmed: ['event_json_absent'], user: { id: 'user-1' }, request: null, contexts: {}, breadcrumbs: [], unmodelled: {}, trace: null });
    expect(detail.exceptions[1].stacktrace.frames[0]).toMatchObject({ contextLine: 'line 1', preContext: [], postContext: [], inApp: true });
    expect(detail.exceptions[1].mechanism).toEqual({ type: 'onunhandledrejection', handled: false });
  });

  it('reads a JSON that cannot be parsed as absent, saying so', () => {
    expect(toErrorEventDetail(row({ chain, event_json: '{"broken' })).trimmed).toEqual(['event_json_invalid']);
  });
});
