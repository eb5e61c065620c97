import { readErrorEvent } from '@pulse/protocol';
import { payloadValue } from '@pulse/protocol/testing';
import { normalizeError } from '../normalize-error';
import { normalizedRecord } from '../testing';
import { CURRENT_GROUPING_CONFIG, GROUPING_CONFIG, GROUPING_CONFIGS, previousGroupingConfigOf, SECONDARY_GROUPING_CONFIG } from './index';

const ctx = { projectId: 7, receivedAtMs: 1_795_499_990_000, generateEventId: () => 'ffffffff-ffff-4fff-8fff-ffffffffffff' };

type FrameInput = Record<string, unknown>;

function record(event: Record<string, unknown>) {
  return normalizedRecord(normalizeError(payloadValue(readErrorEvent({ timestamp: 1795499901, ...event })), ctx));
}

function error(platform: string, frames: FrameInput[], type = 'Error', value = 'boom', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { platform, exception: { values: [{ type, value, stacktrace: { frames } }] }, ...extra };
}

const fp = (event: Record<string, unknown>) => record(event).fingerprint;

describe('grouping config registry', () => {
  it('names the current and the previous config and fills both hashes', () => {
    expect(CURRENT_GROUPING_CONFIG).toBe('pulse:2026-12');
    expect(GROUPING_CONFIG).toBe(CURRENT_GROUPING_CONFIG);
    expect(SECONDARY_GROUPING_CONFIG).toBe('pulse:2026-06');
    expect([...GROUPING_CONFIGS.keys()].sort()).toEqual(['pulse:2026-06', 'pulse:2026-12']);
    const r = record(error('node', [{ filename: '/app/a.js', module: 'a', function: 'run', in_app: true }]));
    expect(r).toMatchObject({ groupingConfig: 'pulse:2026-12', fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), secondaryFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(r.secondaryFingerprint).not.toBe(r.fingerprint);
  });
});

describe('pulse:2026-12 frames', () => {
  const py = (fn: string, extra: FrameInput = {}) => ({ module: 'shop.orders', filename: 'shop/orders.py', abs_path: '/srv/shop/orders.py', function: fn, lineno: 10, in_app: true, ...extra });

  it('ignores line and column numbers', () => {
    expect(fp(error('python', [py('load', { lineno: 99, colno: 4 })]))).toBe(fp(error('python', [py('load')])));
  });

  it('uses the module, else the lower-cased base name of the file, and the function', () => {
    expect(fp(error('python', [py('load')]))).not.toBe(fp(error('python', [py('save')])));
    expect(fp(error('python', [py('load')]))).not.toBe(fp(error('python', [py('load', { module: 'shop.carts' })])));
    const file = (path: string) => fp(error('go', [{ filename: path, function: 'run', in_app: true }]));
    expect(file('/src/App/Main.go')).toBe(file('/other/app/main.go'));
  });

  it('counts the context line on JS, Node, Python, PHP and Ruby only, and not when longer than 120 characters', () => {
    const withLine = (platform: string, line: string) => fp(error(platform, [{ module: 'm', filename: 'm.x', function: 'f', context_line: line, in_app: true }]));
    expect(withLine('python', 'raise Boom()')).not.toBe(withLine('python', 'raise Other()'));
    expect(withLine('python', 'raise  Boom()')).toBe(withLine('python', '\traise Boom()'));
    expect(withLine('go', 'panic(a)')).toBe(withLine('go', 'panic(b)'));
    expect(withLine('node', `x(${'a'.repeat(130)})`)).toBe(withLine('node', `x(${'b'.repeat(130)})`));
  });

  it('cleans JS function names: the last member, anonymous functions and eval/native frames do not count', () => {
    const js = (frames: FrameInput[]) => fp(error('node', frames));
    const frame = (fn: string, filename = '/app/a.js') => ({ filename, module: 'a', function: fn, in_app: true });
    expect(js([frame('Object.handle')])).toBe(js([frame('Router.handle')]));
    expect(js([frame('run'), frame('<anonymous>')])).toBe(js([frame('run'), frame('?')]));
    expect(js([frame('run'), { function: 'eval', in_app: true }])).toBe(js([frame('run')]));
    expect(js([frame('run'), { filename: '[native code]', function: 'forEach', in_app: true }])).toBe(js([frame('run')]));
  });

  it('gives browser frames Sentry\'s module from the URL: no host, query or content hash', () => {
    const browser = (url: string) => fp(error('javascript', [{ filename: url, function: 'checkout', in_app: true }]));
    expect(browser('https://shop.example/static/js/main.3f2a1b9c.js?v=2')).toBe(browser('https://cdn.example/static/js/main.8e7d6c5b.js'));
    expect(browser('https://shop.example/static/js/main.3f2a1b9c.js')).not.toBe(browser('https://shop.example/static/js/vendor.3f2a1b9c.js'));
  });

  it('cleans Java lambdas, generated accessors and CGLIB classes', () => {
    const java = (module: string, fn: string) => fp(error('java', [{ module: 'com.shop.Orders', function: 'place', in_app: true }, { module, function: fn, in_app: true }]));
    expect(java('com.shop.Orders$$Lambda$123/0x0000000800c0b000', 'apply')).toBe(java('com.shop.Orders$$Lambda$987/0x0000000800d00000', 'apply'));
    expect(java('com.shop.Orders', 'lambda$place$0')).toBe(java('com.shop.Orders', 'lambda$place$3'));
    expect(java('sun.reflect.GeneratedMethodAccessor12', 'invoke')).toBe(java('sun.reflect.GeneratedMethodAccessor7', 'invoke'));
    expect(java('com.shop.Service$$EnhancerBySpringCGLIB$$1a2b3c4d', 'run')).toBe(java('com.shop.Service$$EnhancerBySpringCGLIB$$9f8e7d6c', 'run'));
  });

  it('strips the Rust symbol hash', () => {
    const rust = (fn: string) => fp(error('native', [{ function: fn, in_app: true }], 'panic', 'x'));
    expect(rust('shop::checkout::h0123456789abcdef')).toBe(rust('shop::checkout::hfedcba9876543210'));
  });

  it('counts a directly recursive frame once', () => {
    const frame = { module: 'm', filename: 'm.py', function: 'walk', lineno: 3, in_app: true };
    expect(fp(error('python', [frame, frame, frame]))).toBe(fp(error('python', [frame])));
  });
});

describe('pulse:2026-12 in-app frames', () => {
  it('uses in-app frames only, and all frames when none is in-app', () => {
    const app = { module: 'shop.orders', function: 'load', in_app: true };
    const lib = (fn: string) => ({ module: 'django.core', function: fn, in_app: false });
    expect(fp(error('python', [lib('a'), app]))).toBe(fp(error('python', [lib('b'), app])));
    expect(fp(error('python', [lib('a')]))).not.toBe(fp(error('python', [lib('b')])));
  });

  it.each([
    ['rust: the SDK marks std and sentry frames in-app, the rules do not', 'native', ['std::panicking::begin_panic_handler', 'sentry_panic::panic_handler', 'core::ops::function::Fn::call', 'shop::main'], [false, false, false, true]],
    ['java: JDK, Kotlin and SDK frames', 'java', ['java.lang.Thread', 'javax.servlet.Filter', 'sun.misc.Unsafe', 'jdk.internal.Foo', 'com.sun.Bar', 'kotlin.Result', 'io.sentry.Sentry', 'com.shop.Orders'], [false, false, false, false, false, false, false, true]],
    ['go: runtime and the SDK', 'go', ['runtime', 'github.com/getsentry/sentry-go', 'main'], [false, false, true]],
  ])('%s', (_what, platform, names, expected) => {
    const frames = names.map((name) => (platform === 'native' ? { function: name, in_app: true } : { module: name, function: 'f', ...(platform === 'go' && name === 'github.com/getsentry/sentry-go' ? { in_app: true } : {}) }));
    expect(record(error(platform, frames)).exceptions[0]!.frames.map((f) => f.inApp)).toEqual(expected);
  });

  it.each([
    ['node', ['/app/node_modules/x/i.js', 'node:internal/timers', 'internal/process/task_queues.js', '/app/dist/main.js'], [false, false, false, true]],
    ['javascript', ['https://shop.example/app.js', 'chrome-extension://abc/content.js', 'https://unpkg.com/lib@1/x.js', 'https://shop.example/node_modules/x.js'], [true, false, false, false]],
    ['python', ['/srv/app/views.py', '/usr/lib/python3.12/json/decoder.py', '/venv/lib/python3.12/site-packages/django/core.py', '/usr/lib/python3/dist-packages/x.py'], [true, false, false, false]],
    ['go', ['/home/u/shop/main.go', '/usr/local/go/src/net/http/server.go', '/home/u/go/pkg/mod/github.com/x/y.go'], [true, false, false]],
  ])('%s paths without an SDK in_app', (platform, paths, expected) => {
    const frames = paths.map((abs_path) => ({ abs_path, function: 'f' }));
    expect(record(error(platform, frames)).exceptions[0]!.frames.map((f) => f.inApp)).toEqual(expected);
  });

  it('leaves SDK-internal frames out of grouping (-group), even when all frames are system frames', () => {
    const frames = (extra: FrameInput[]) => [{ module: 'com.shop.Worker', function: 'run', in_app: false }, ...extra];
    expect(fp(error('java', frames([{ module: 'io.sentry.Hub', function: 'capture', in_app: false }])))).toBe(fp(error('java', frames([]))));
  });
});

describe('pulse:2026-12 exceptions, messages and fingerprints', () => {
  const frames = [{ module: 'shop', function: 'pay', in_app: true }];

  it('always counts the type; the value only when no frame contributes', () => {
    expect(fp(error('python', frames, 'KeyError', 'a'))).toBe(fp(error('python', frames, 'KeyError', 'b')));
    expect(fp(error('python', frames, 'KeyError'))).not.toBe(fp(error('python', frames, 'ValueError')));
    expect(fp(error('python', [], 'KeyError', 'order 7 missing'))).toBe(fp(error('python', [], 'KeyError', 'order 12 missing')));
    expect(fp(error('python', [], 'KeyError', 'order missing'))).not.toBe(fp(error('python', [], 'KeyError', 'cart missing')));
  });

  it('counts every exception of a chain, in order', () => {
    const chain = (types: string[]) => fp({ platform: 'python', exception: { values: types.map((type) => ({ type, value: 'x', stacktrace: { frames } })) } });
    expect(chain(['KeyError', 'RuntimeError'])).not.toBe(chain(['RuntimeError']));
    expect(chain(['KeyError', 'RuntimeError'])).not.toBe(chain(['RuntimeError', 'KeyError']));
  });

  it('parameterizes messages and prefers the log template', () => {
    const msg = (message: unknown, extra: Record<string, unknown> = {}) => fp({ platform: 'python', message, ...extra });
    expect(msg('user 12 from 10.0.0.7 at 2026-12-07T10:00:00Z')).toBe(msg('user 9 from 192.168.1.20 at 2026-11-30T23:59:59Z'));
    expect(msg('token 3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c for a@b.io')).toBe(msg('token 0123456789abcdef0123456789abcdef for c@d.org'));
    expect(msg('x', { logentry: { message: 'User %s failed', params: ['ada'] } })).toBe(msg('y', { logentry: { message: 'User %s failed', params: ['bob'] } }));
    expect(msg('payment failed')).not.toBe(msg('payment refused'));
  });

  it('groups a message event on its thread stack (Sentry threads:v1)', () => {
    const threads = (fn: string) => ({ values: [{ id: 1, current: true, stacktrace: { frames: [{ module: 'shop', function: fn, in_app: true }] } }] });
    const event = (message: string, fn: string) => fp({ platform: 'python', message, threads: threads(fn) });
    expect(event('a', 'pay')).toBe(event('b', 'pay'));
    expect(event('a', 'pay')).not.toBe(event('a', 'refund'));
  });

  it('takes an exception\'s stack from its thread (thread_id), else the crashed thread', () => {
    const threads = { values: [{ id: 1, stacktrace: { frames: [{ module: 'a', function: 'idle', in_app: true }] } }, { id: 2, crashed: true, stacktrace: { frames: [{ module: 'b', function: 'work', in_app: true }] } }] };
    const withId = record({ platform: 'java', threads, exception: { values: [{ type: 'E', thread_id: 1 }] } });
    expect(withId.exceptions[0]!.frames.map((f) => f.function)).toEqual(['idle']);
    const crashed = record({ platform: 'java', threads, exception: { values: [{ type: 'E' }] } });
    expect(crashed.exceptions[0]!.frames.map((f) => f.function)).toEqual(['work']);
    const unknownId = record({ platform: 'java', threads, exception: { values: [{ type: 'E', thread_id: 9 }] } });
    expect(unknownId.exceptions[0]!.frames.map((f) => f.function)).toEqual(['work']);
    const inner = record({ platform: 'java', threads, exception: { values: [{ type: 'Cause' }, { type: 'E', stacktrace: { frames: [{ module: 'c', function: 'f' }] } }] } });
    expect(inner.exceptions[0]!.frames).toEqual([]);
  });

  it('derives filename from abs_path as Relay does', () => {
    const frame = (f: FrameInput) => record(error('javascript', [f])).exceptions[0]!.frames[0]!;
    expect(frame({ filename: 'https://shop.example/assets/app.js?v=2' })).toMatchObject({ absPath: 'https://shop.example/assets/app.js?v=2', filename: '/assets/app.js' });
    expect(frame({ abs_path: '/srv/app/main.py' })).toMatchObject({ filename: '/srv/app/main.py' });
    expect(frame({ abs_path: 'https://shop.example/' })).toMatchObject({ filename: 'https://shop.example/' });
  });

  it('resolves fingerprint variables', () => {
    const base = error('python', frames, 'KeyError', 'order 7', { transaction: '/checkout', level: 'warning' });
    const withFp = (fingerprint: string[], extra: Record<string, unknown> = {}) => fp({ ...base, ...extra, fingerprint });
    expect(withFp(['{{ default }}'])).toBe(fp(base));
    expect(withFp(['{{ default }}', 'tenant-1'])).not.toBe(fp(base));
    expect(withFp(['{{ error.type }}'])).toBe(withFp(['{{ type }}'], { exception: { values: [{ type: 'KeyError', value: 'other' }] } }));
    expect(withFp(['{{ error.value }}'])).not.toBe(withFp(['{{ error.value }}'], { exception: { values: [{ type: 'KeyError', value: 'other' }] } }));
    expect(withFp(['{{ transaction }}'])).not.toBe(withFp(['{{ transaction }}'], { transaction: '/cart' }));
    expect(withFp(['{{ level }}'])).toBe(withFp(['{{ level }}'], { level: 'warn' }));
    expect(withFp(['{{ message }}'], { message: 'order 7 late' })).toBe(withFp(['{{ message }}'], { message: 'order 9 late' }));
    expect(withFp(['checkout'])).toBe(fp({ platform: 'node', message: 'other', fingerprint: ['checkout'] }));
  });
});

describe('previousGroupingConfigOf', () => {
  it('names the config before a known one, and marks an unknown one as such', () => {
    expect(previousGroupingConfigOf(CURRENT_GROUPING_CONFIG)).toBe(SECONDARY_GROUPING_CONFIG);
    expect(previousGroupingConfigOf('pulse:2099-01')).toBe('previous:pulse:2099-01');
    expect(previousGroupingConfigOf(SECONDARY_GROUPING_CONFIG)).toBe(`previous:${SECONDARY_GROUPING_CONFIG}`);
  });
});
