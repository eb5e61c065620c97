import { createHash } from 'node:crypto';
import { readErrorEvent } from '@pulse/protocol';
import {
  browserCaptureExceptionEvent,
  nodeCaptureExceptionEvent,
  nodeCaptureMessageEvent,
  nodeUncaughtExceptionEvent,
} from '@pulse/testing/fixtures';
import { normalizeError } from './normalize-error';
import type { NormalizeContext } from './normalize-context';
import { normalizedRecord } from './testing';
import { payloadValue } from '@pulse/protocol/testing';

const ctx: NormalizeContext = { projectId: 7, receivedAtMs: 1_795_499_990_000, generateEventId: () => 'ffffffff-ffff-4fff-8fff-ffffffffffff' };

function normalize(event: Record<string, unknown>, context: NormalizeContext = ctx) {
  return normalizedRecord(normalizeError(payloadValue(readErrorEvent(event)), context));
}

const frames = (record: ReturnType<typeof normalize>) => record.exceptions[0]!.frames;

describe('normalizeError', () => {
  it('maps a @sentry/node captureException event onto a record', () => {
    const record = normalize(nodeCaptureExceptionEvent());
    expect(record).toEqual({
      projectId: 7,
      eventId: '3f9c2a7e8b1d4c6fa0e5d7b2c4a19e83',
      timestampMs: 1_795_499_901_254,
      level: 'error',
      platform: 'node',
      title: 'Error: Order 7 not found',
      message: '',
      culprit: 'GET /api/orders/:id',
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      groupingConfig: 'pulse:2026-12',
      secondaryFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventJson: expect.any(String),
      handled: true,
      exceptions: [{ type: 'Error', value: 'Order 7 not found', mechanism: 'generic', handled: true, frames: expect.any(Array) }],
      transaction: 'GET /api/orders/:id',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      release: 'shop@1.4.0',
      environment: 'production',
      dist: '',
      userId: 'u-42',
      browserName: 'Chrome',
      osName: 'Debian',
      sdkName: 'sentry.javascript.node',
      sdkVersion: '11.12.0',
      tags: { region: 'eu-west-1' },
      receivedAtMs: 1_795_499_990_000,
    });
    expect(frames(record)).toHaveLength(4);
    expect(frames(record)[3]).toEqual({
      filename: '/app/dist/orders/orders.service.js',
      absPath: '/app/dist/orders/orders.service.js',
      function: 'OrdersService.findOne',
      module: 'orders:orders.service',
      lineno: 31,
      colno: 19,
      inApp: true,
      contextLine: '            throw new Error(`Order ${id} not found`);',
    });
    expect(frames(record).map((f) => f.inApp)).toEqual([false, false, true, true]);
  });

  it('maps an uncaught exception: fatal, unhandled, culprit from the raising in-app frame', () => {
    const record = normalize(nodeUncaughtExceptionEvent());
    expect(record).toMatchObject({
      level: 'fatal',
      handled: false,
      title: "TypeError: Cannot read properties of undefined (reading 'total')",
      culprit: 'Timeout.reconcileInvoices [as _onTimeout](jobs:reconcile.job)',
      transaction: '',
      exceptions: [{ mechanism: 'auto.node.onuncaughtexception', handled: false }],
    });
  });

  it('maps a @sentry/browser event: all frames in-app, culprit from the URL path without a transaction', () => {
    const record = normalize(browserCaptureExceptionEvent());
    expect(record).toMatchObject({ platform: 'javascript', culprit: '/checkout', title: 'Error: Payment failed: card_declined', browserName: 'Chrome', osName: 'Windows' });
    // Relay: the URL the SDK sent as filename becomes abs_path, the filename its path.
    expect(frames(record).every((f) => f.inApp && f.module === '' && f.filename === new URL(f.absPath).pathname)).toBe(true);
    expect(normalize(browserCaptureExceptionEvent({ transaction: undefined })).culprit).toBe('submitPayment(/assets/index-BXk2aQ9f.js)');
  });

  it('groups the same error raised from another line (and an edited line) together', () => {
    const moved = nodeCaptureExceptionEvent();
    const frame = (moved.exception as { values: { stacktrace: { frames: { lineno: number; context_line: string }[] } }[] }).values[0]!.stacktrace.frames[3]!;
    Object.assign(frame, { lineno: 58, colno: 3 });
    expect(normalize({ ...moved, event_id: undefined }).fingerprint).toBe(normalize(nodeCaptureExceptionEvent()).fingerprint);
    // Node frames' context line counts (Sentry's contextline_platforms): an edited line is another group.
    Object.assign(frame, { context_line: '      throw new Error(`Order ${id} not found!`);' });
    expect(normalize({ ...moved, event_id: undefined }).fingerprint).not.toBe(normalize(nodeCaptureExceptionEvent()).fingerprint);
    expect(normalize(nodeUncaughtExceptionEvent()).fingerprint).not.toBe(normalize(nodeCaptureExceptionEvent()).fingerprint);
  });

  it('uses an explicit fingerprint', () => {
    const record = normalize(nodeCaptureExceptionEvent({ fingerprint: ['{{ default }}', 'tenant-1'] }));
    expect(record.fingerprint).toBe(normalize(nodeCaptureExceptionEvent({ fingerprint: ['{{ default }}', 'tenant-1'], event_id: undefined })).fingerprint);
    expect(record.fingerprint).not.toBe(normalize(nodeCaptureExceptionEvent()).fingerprint);
  });

  const message = (text: string, overrides: Record<string, unknown> = {}) => {
    const event = nodeCaptureMessageEvent({ message: text, ...overrides });
    (event.exception as { values: { value: string }[] }).values[0]!.value = text;
    return normalize(event);
  };

  it('maps a message event with its synthetic call-site stack: title from the message', () => {
    const record = normalize(nodeCaptureMessageEvent());
    expect(record).toMatchObject({
      level: 'info',
      title: 'Payment provider latency above 2000 ms for order 7',
      message: 'Payment provider latency above 2000 ms for order 7',
      culprit: 'Timeout.checkLatency [as _onTimeout](payments:latency.monitor)',
      handled: true,
      exceptions: [{ type: '', mechanism: 'generic' }],
    });
  });

  it('groups messages with a call-site stack on the stack (Sentry ignores a synthetic exception\'s value), messages without one on the parameterized text', () => {
    const base = message('Payment provider latency above 2000 ms for order 7').fingerprint;
    expect(message('Payment provider latency above 3100 ms for order 12').fingerprint).toBe(base);
    expect(message('Payment provider unreachable').fingerprint).toBe(base);
    const withoutStack = (text: string) => normalize(nodeCaptureMessageEvent({ message: text, exception: undefined }));
    expect(withoutStack('Cache miss for key 42')).toMatchObject({ exceptions: [], culprit: '', title: 'Cache miss for key 42' });
    expect(withoutStack('Cache miss for key 42').fingerprint).toBe(withoutStack('Cache miss for key 7').fingerprint);
  });

  it.each([
    ['logentry.formatted first', { logentry: { message: 'Order %s late', formatted: 'Order 7 is late' }, message: 'other' }, 'Order 7 is late'],
    ['then message.formatted', { message: { message: 'Order %s late', formatted: 'Order 7 late (object)' } }, 'Order 7 late (object)'],
    ['then the template, formatted with its params', { logentry: { message: 'Order %s late by %d%%', params: ['7', 30] } }, 'Order 7 late by 30%'],
    ['then a plain message', { message: 'plain text' }, 'plain text'],
  ])('takes the message from %s', (_what, overrides, expected) => {
    expect(normalize(nodeCaptureMessageEvent({ message: undefined, ...overrides })).message).toBe(expected);
  });

  it('groups parameterized messages on their template, with or without a stack', () => {
    const user = (name: string, exception?: unknown) =>
      normalize(nodeCaptureMessageEvent({ message: undefined, logentry: { message: 'User %s failed to pay', params: [name] }, exception })).fingerprint;
    expect(user('ada')).toBe(user('grace'));
    const synthetic = (name: string) => [{ value: `User ${name} failed to pay`, stacktrace: { frames: [{ module: 'pay', function: 'charge', in_app: true }] } }];
    expect(user('ada', synthetic('ada'))).toBe(user('grace', synthetic('grace')));
    expect(user('ada', synthetic('ada'))).not.toBe(user('ada'));
  });

  it.each([
    [undefined, 'error'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['CRITICAL', 'fatal'],
    ['log', 'info'],
    ['debug', 'debug'],
    ['verbose', 'error'],
  ])('maps level %s to %s', (level, expected) => {
    expect(normalize(nodeCaptureExceptionEvent({ level })).level).toBe(expected);
  });

  it('defaults the timestamp to receive time and reads RFC 3339', () => {
    expect(normalize(nodeCaptureExceptionEvent({ timestamp: undefined })).timestampMs).toBe(ctx.receivedAtMs);
    expect(normalize(nodeCaptureExceptionEvent({ timestamp: '2026-11-24T10:00:01.250Z' })).timestampMs).toBe(Date.parse('2026-11-24T10:00:01.250Z'));
  });

  it('generates a missing event id and defaults environment and platform', () => {
    const record = normalize(nodeCaptureExceptionEvent({ event_id: undefined, environment: undefined, platform: undefined }));
    expect(record).toMatchObject({ eventId: 'ffffffffffff4fff8fffffffffffffff', environment: 'production', platform: 'other' });
  });

  it('identifies the user by id, email, username, else a hash of the IP address (never the address)', () => {
    const userId = (user: unknown) => normalize(nodeCaptureExceptionEvent({ user })).userId;
    const ipHash = `ip:${createHash('sha256').update('203.0.113.9').digest('hex').slice(0, 16)}`;
    expect(userId({ id: 42, email: 'a@b.c' })).toBe('42');
    expect(userId({ id: '', email: 'a@b.c', username: 'ada' })).toBe('a@b.c');
    expect(userId({ username: 'ada', ip_address: '10.0.0.1' })).toBe('ada');
    expect(userId({ ip_address: '203.0.113.9' })).toBe(ipHash);
    expect(userId({ ip_address: '{{auto}}' })).toBe('');
    expect(userId(undefined)).toBe('');
  });

  it('reads browser and OS names from contexts, and tags as an object or pairs', () => {
    const contexts = { browser: { name: 'Firefox', version: '140' }, os: { name: 'Ubuntu' } };
    const record = normalize(browserCaptureExceptionEvent({ contexts, tags: [['a', '1'], ['b', true], ['c', { x: 1 }]] }));
    expect(record).toMatchObject({ browserName: 'Firefox', osName: 'Ubuntu', traceId: '', spanId: '', tags: { a: '1', b: 'true' } });
  });

  it('decides in_app with the frame rules: node_modules and node internals are not, even when the SDK says they are', () => {
    const event = (platform: string, paths: string[]) =>
      nodeCaptureExceptionEvent({ platform, exception: [{ type: 'Error', stacktrace: { frames: paths.map((filename) => ({ filename, function: 'f' })) } }] });
    const paths = ['/app/node_modules/router/index.js', 'node:internal/timers', '/app/dist/main.js', 'C:\\app\\node_modules\\x\\y.js'];
    expect(frames(normalize(event('node', paths))).map((f) => f.inApp)).toEqual([false, false, true, false]);
    expect(frames(normalize(event('javascript', paths))).map((f) => f.inApp)).toEqual([false, false, true, false]);
    expect(frames(normalize(event('python', ['app/views.py', '/usr/lib/python3.12/json/decoder.py']))).map((f) => f.inApp)).toEqual([true, false]);
    expect(frames(normalize(event('other', ['app/views.py']))).map((f) => f.inApp)).toEqual([false]);
    const explicit = nodeCaptureExceptionEvent({ exception: [{ type: 'Error', stacktrace: { frames: [{ filename: '/app/node_modules/@shop/core/index.js', in_app: true }] } }] });
    expect(frames(normalize(explicit))[0]!.inApp).toBe(false);
  });

  it('is unhandled when any exception of the chain is, and titles the captured (last) exception', () => {
    const record = normalize(
      nodeCaptureExceptionEvent({
        exception: [
          { type: 'ConnectionError', value: 'connect ECONNREFUSED 10.0.0.5:5432', mechanism: { type: 'chained', handled: true, source: 'cause' } },
          { type: 'Error', value: 'Could not load order\nsecond line', mechanism: { type: 'auto.middleware.express', handled: false } },
        ],
      }),
    );
    expect(record).toMatchObject({ handled: false, title: 'Error: Could not load order', exceptions: [{ handled: true }, { handled: false }] });
  });

  it('uses a thread stack trace when a message event has no exception', () => {
    const threads = { values: [{ id: 1, stacktrace: { frames: [{ function: 'idle' }] } }, { id: 2, crashed: true, stacktrace: { frames: [{ module: 'shop.jobs', function: 'sync', in_app: true }] } }] };
    const record = normalize(nodeCaptureMessageEvent({ platform: 'python', exception: undefined, threads }));
    expect(record).toMatchObject({ title: 'Payment provider latency above 2000 ms for order 7', culprit: 'shop.jobs in sync' });
    expect(record.exceptions).toEqual([{ type: '', value: 'Payment provider latency above 2000 ms for order 7', mechanism: '', handled: true, frames: [expect.objectContaining({ function: 'sync', inApp: true })] }]);
  });

  it('cuts long values and keeps the ends of very deep stacks', () => {
    const deep = Array.from({ length: 400 }, (_, i) => ({ filename: '/app/dist/r.js', function: `f${i}`, in_app: true }));
    const record = normalize(nodeCaptureExceptionEvent({ transaction: 'x'.repeat(500), exception: [{ type: 'RangeError', value: 'v'.repeat(10_000), stacktrace: { frames: deep } }] }));
    expect(record.transaction).toHaveLength(200);
    expect(record.title).toHaveLength(200);
    expect(record.exceptions[0]!.value).toHaveLength(4096);
    expect(frames(record)).toHaveLength(250);
    expect([frames(record)[0]!.function, frames(record)[249]!.function]).toEqual(['f0', 'f399']);
  });

  it('titles an event without exception or message as unlabeled', () => {
    expect(normalize(nodeCaptureMessageEvent({ message: undefined, exception: undefined })).title).toBe('<unlabeled event>');
  });
});
