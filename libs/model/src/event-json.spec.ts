import { nodeCaptureExceptionEvent } from '@pulse/testing/fixtures';
import { boundEventJson, EVENT_JSON_LIMITS, EventJsonBudget } from './event-json';

const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** A Python-like event: 60 frames with large vars, 100 breadcrumbs, extra and modules. */
function heavyEvent(): Record<string, unknown> {
  const frames = Array.from({ length: 60 }, (_, i) => ({
    filename: `app/module_${i}.py`,
    function: `handler_${i}`,
    lineno: i + 1,
    in_app: true,
    pre_context: ['a = 1', 'b = 2'],
    context_line: 'raise ValueError(x)',
    post_context: ['c = 3'],
    vars: { payload: 'v'.repeat(4_000), index: i },
  }));
  return {
    event_id: 'a'.repeat(32),
    platform: 'python',
    exception: { values: [{ type: 'ValueError', value: 'bad', stacktrace: { frames } }] },
    breadcrumbs: { values: Array.from({ length: 100 }, (_, i) => ({ category: 'http', message: `GET /item/${i} ${'m'.repeat(300)}` })) },
    extra: { dump: 'e'.repeat(50_000) },
    modules: { django: '5.0' },
    request: { url: 'https://shop.example/cart', method: 'POST', data: 'd'.repeat(20_000) },
    contexts: { os: { name: 'Linux' } },
  };
}

describe('boundEventJson', () => {
  it('keeps an event under the bound as its exact text, whitespace included', () => {
    const text = `${JSON.stringify(nodeCaptureExceptionEvent(), null, 2)}\n`;
    expect(boundEventJson(Buffer.from(text), JSON.parse(text))).toBe(text);
  });

  it('drops frame vars first, naming what it dropped and the original size, and leaves the parsed event unchanged', () => {
    const event = heavyEvent();
    const payload = bytesOf(event);
    const before = JSON.stringify(event);
    const bounded = JSON.parse(boundEventJson(payload, event, 150_000)) as Record<string, unknown>;
    expect(bounded._pulse).toEqual({ trimmed: ['vars'], originalBytes: payload.length });
    expect(JSON.stringify(bounded)).not.toContain('"vars":');
    expect(bounded.breadcrumbs).toEqual(event.breadcrumbs);
    expect(JSON.stringify(event)).toBe(before);
  });

  it('goes on in order (breadcrumbs keep the last ones, then extra, modules, request body…) until the event fits', () => {
    const event = heavyEvent();
    const bounded = JSON.parse(boundEventJson(bytesOf(event), event, 20_000)) as Record<string, unknown>;
    expect(bounded._pulse).toMatchObject({ trimmed: ['vars', 'breadcrumbs', 'extra', 'modules', 'request.data'] });
    expect((bounded.breadcrumbs as { values: Array<{ message: string }> }).values.map((crumb) => crumb.message.slice(0, 12))).toEqual(
      Array.from({ length: EVENT_JSON_LIMITS.keptBreadcrumbs }, (_, i) => `GET /item/${80 + i}`.slice(0, 12)),
    );
    expect(bounded.request).toEqual({ url: 'https://shop.example/cart', method: 'POST' });
    expect(bounded.contexts).toEqual({ os: { name: 'Linux' } });
    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThanOrEqual(20_000);
  });

  it('keeps only the note when nothing it may drop makes the event fit', () => {
    const event = { event_id: 'b'.repeat(32), message: 'x'.repeat(10_000) };
    expect(JSON.parse(boundEventJson(bytesOf(event), event, 1_000))).toEqual({ _pulse: { trimmed: ['event'], originalBytes: bytesOf(event).length } });
    expect(JSON.parse(boundEventJson(Buffer.from('"text"'), 'text', 2))).toEqual({ _pulse: { trimmed: ['event'], originalBytes: 6 } });
  });

  it('strips frames of threads too, and bare exception lists', () => {
    const frames = [{ function: 'f', vars: { big: 'v'.repeat(5_000) } }];
    const event = { threads: { values: [{ id: 1, stacktrace: { frames } }] }, exception: [{ type: 'E', stacktrace: { frames } }] };
    const bounded = JSON.parse(boundEventJson(bytesOf(event), event, 2_000)) as Record<string, unknown>;
    expect(bounded.threads).toEqual({ values: [{ id: 1, stacktrace: { frames: [{ function: 'f' }] } }] });
    expect(bounded.exception).toEqual([{ type: 'E', stacktrace: { frames: [{ function: 'f' }] } }]);
  });
});

describe('EventJsonBudget', () => {
  it('keeps events until the request budget is used, then only the note', () => {
    const budget = new EventJsonBudget(100);
    const small = { message: 'x'.repeat(30) };
    const texts = [1, 2, 3].map(() => budget.take(bytesOf(small), small));
    expect(texts.slice(0, 2)).toEqual([JSON.stringify(small), JSON.stringify(small)]);
    expect(JSON.parse(texts[2])).toEqual({ _pulse: { trimmed: ['request_budget'], originalBytes: bytesOf(small).length } });
  });
});
