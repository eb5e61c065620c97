// (b) An instrumented http.createServer traced end to end. /users/42 makes a child span and an
// outgoing fetch to /internal/health (a second segment that continues the trace through the
// sentry-trace/baggage headers); /fail answers 500 and /missing 404.
// The outer requests come from an uninstrumented client (a raw socket), like a real external
// caller: the SDK's own fetch instrumentation, used outside any span, would add trace headers
// itself (and with traceLifecycle 'static' it propagates a negative sampling decision,
// `sentry-trace: <trace>-<span>-0`, so the server would drop its transactions).
import { finish, sleep } from './instrument';
import * as Sentry from '@sentry/node';
import { createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';

/** GET over a plain socket (no SDK instrumentation); resolves with the status line. */
function rawGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: pulse-recorder/1.0\r\nConnection: close\r\n\r\n`);
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received.split('\r\n', 1)[0]));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`GET ${path} timed out`)));
  });
}

async function main(): Promise<void> {
  let base = '';
  const server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '/').split('?')[0];
      if (path.startsWith('/users/')) {
        await Sentry.startSpan({ name: 'load user', op: 'db.query' }, () => sleep(15));
        const health = await fetch(`${base}/internal/health`);
        await health.text();
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: path.split('/')[2] }));
      } else if (path === '/internal/health') {
        response.end('ok');
      } else if (path === '/fail') {
        response.writeHead(500);
        response.end('failed');
      } else {
        response.writeHead(404);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  for (const path of ['/users/42?verbose=1', '/fail', '/missing']) {
    await rawGet(port, path);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await finish();
}

void main();
