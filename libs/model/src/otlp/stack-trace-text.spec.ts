import { parseGo, parseJava, parsePython, parseStackTrace, parseV8, stackFormatOf } from './stack-trace-text';

/*
 * Real stack traces, as the runtimes print them (Node 20 `error.stack`, Python 3.11
 * `traceback.format_exception`, OpenJDK 17 `printStackTrace`, Go 1.22 `debug.Stack()`), produced
 * from small programs and pasted verbatim.
 */

const NODE_ASYNC = [
  'TypeError: order 7 missing',
  '    at OrderService.load (/tmp/o2/a.js:2:57)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async handle (file:///srv/app/dist/handlers.mjs:14:3)',
].join('\n');

const NODE_SYNC = [
  "SyntaxError: Expected property name or '}' in JSON at position 1",
  '    at JSON.parse (<anonymous>)',
  '    at mapper (/tmp/o2/a.js:5:40)',
  '    at Array.map (<anonymous>)',
  '    at Object.<anonymous> (/tmp/o2/a.js:5:5)',
  '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
  '    at node:internal/main/run_main_module:28:49',
].join('\n');

const PYTHON_CHAINED = `Traceback (most recent call last):
  File "/tmp/o2/a.py", line 6, in handler
    return parse(body)
           ^^^^^^^^^^^
  File "/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", line 353, in raw_decode
    obj, end = self.scan_once(s, idx)
               ^^^^^^^^^^^^^^^^^^^^^^
json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/tmp/o2/a.py", line 10, in <module>
    handler("{")
  File "/tmp/o2/a.py", line 8, in handler
    raise KeyError("order") from e
KeyError: 'order'
`;

const JAVA_CAUSED_BY = [
  'java.lang.IllegalStateException: cannot load orders',
  '\tat com.shop.Orders.load(Orders.java:5)',
  '\tat com.shop.Orders.main(Orders.java:7)',
  '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  '\tat jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)',
  'Caused by: java.io.FileNotFoundException: orders.db',
  '\tat com.shop.Orders.read(Orders.java:4)',
  '\t... 2 more',
].join('\n');

const GO_DEBUG_STACK = [
  'goroutine 1 [running]:',
  'runtime/debug.Stack()',
  '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
  'main.(*Server).handle(...)',
  '\t/tmp/o2/main.go:10',
  'github.com/shop/api/orders.Load(0xc000012345, 0x7)',
  '\t/root/go/pkg/mod/github.com/shop/api@v1.2.0/orders/load.go:31 +0x1d',
  'main.main()',
  '\t/tmp/o2/main.go:14 +0x13',
  '',
  'goroutine 7 [chan receive]:',
  'main.worker()',
  '\t/tmp/o2/main.go:30 +0x20',
].join('\n');

describe('stackFormatOf', () => {
  it.each([
    [NODE_ASYNC, 'v8'],
    [NODE_SYNC, 'v8'],
    [PYTHON_CHAINED, 'python'],
    [JAVA_CAUSED_BY, 'java'],
    [GO_DEBUG_STACK, 'go'],
    ['panic: something\nno frames here', 'unknown'],
  ])('recognizes the format (%#)', (text, format) => {
    expect(stackFormatOf(text)).toBe(format);
  });
});

describe('parseV8', () => {
  it('reads `at fn (file:line:col)` and `async` frames, oldest first, `file://` dropped', () => {
    expect(parseV8(NODE_ASYNC)).toEqual([
      { function: 'handle', abs_path: '/srv/app/dist/handlers.mjs', filename: '/srv/app/dist/handlers.mjs', lineno: 14, colno: 3 },
      { function: 'process.processTicksAndRejections', abs_path: 'node:internal/process/task_queues', filename: 'node:internal/process/task_queues', lineno: 95, colno: 5 },
      { function: 'OrderService.load', abs_path: '/tmp/o2/a.js', filename: '/tmp/o2/a.js', lineno: 2, colno: 57 },
    ]);
  });

  it('reads `at file:line:col` and native frames without a location', () => {
    const frames = parseV8(NODE_SYNC);
    expect(frames[0]).toEqual({ function: undefined, abs_path: 'node:internal/main/run_main_module', filename: 'node:internal/main/run_main_module', lineno: 28, colno: 49 });
    expect(frames.map((frame) => frame.function)).toEqual([undefined, 'Module._compile', 'Object.<anonymous>', 'Array.map', 'mapper', 'JSON.parse']);
    expect(frames[frames.length - 1]).toEqual({ function: 'JSON.parse', abs_path: '<anonymous>', filename: '<anonymous>', lineno: undefined, colno: undefined });
  });
});

describe('parsePython', () => {
  it('keeps the last traceback (the raised exception), with its source lines as context_line', () => {
    expect(parsePython(PYTHON_CHAINED)).toEqual([
      { abs_path: '/tmp/o2/a.py', filename: '/tmp/o2/a.py', lineno: 10, function: '<module>', context_line: 'handler("{")' },
      { abs_path: '/tmp/o2/a.py', filename: '/tmp/o2/a.py', lineno: 8, function: 'handler', context_line: 'raise KeyError("order") from e' },
    ]);
  });

  it('skips the 3.11 `^^^^` markers', () => {
    const single = PYTHON_CHAINED.split('\n\nThe above')[0];
    expect(parsePython(single).map((frame) => frame.context_line)).toEqual(['return parse(body)', 'obj, end = self.scan_once(s, idx)']);
  });
});

describe('parseJava', () => {
  it('reads the outermost exception only, module and method apart, JPMS module dropped', () => {
    expect(parseJava(JAVA_CAUSED_BY)).toEqual([
      { module: 'jdk.internal.reflect.NativeMethodAccessorImpl', function: 'invoke0', filename: undefined, lineno: undefined },
      { module: 'java.lang.Thread', function: 'run', filename: 'Thread.java', lineno: 840 },
      { module: 'com.shop.Orders', function: 'main', filename: 'Orders.java', lineno: 7 },
      { module: 'com.shop.Orders', function: 'load', filename: 'Orders.java', lineno: 5 },
    ]);
  });
});

describe('parseGo', () => {
  it('reads the first goroutine, package and function split as sentry-go does', () => {
    expect(parseGo(GO_DEBUG_STACK)).toEqual([
      { module: 'main', function: 'main', abs_path: '/tmp/o2/main.go', filename: '/tmp/o2/main.go', lineno: 14 },
      {
        module: 'github.com/shop/api/orders',
        function: 'Load',
        abs_path: '/root/go/pkg/mod/github.com/shop/api@v1.2.0/orders/load.go',
        filename: '/root/go/pkg/mod/github.com/shop/api@v1.2.0/orders/load.go',
        lineno: 31,
      },
      { module: 'main', function: '(*Server).handle', abs_path: '/tmp/o2/main.go', filename: '/tmp/o2/main.go', lineno: 10 },
      { module: 'runtime/debug', function: 'Stack', abs_path: '/usr/local/go/src/runtime/debug/stack.go', filename: '/usr/local/go/src/runtime/debug/stack.go', lineno: 26 },
    ]);
  });
});

describe('parseStackTrace', () => {
  it('gives no frames for an unknown format', () => {
    expect(parseStackTrace('Exception in worker: disk full')).toEqual([]);
    expect(parseStackTrace('')).toEqual([]);
  });
});
