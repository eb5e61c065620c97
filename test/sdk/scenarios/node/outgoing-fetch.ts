// fetch() outside any span, to a server in the same process: shows what the SDK's
// fetch instrumentation does on its own (a root http.client span in streaming mode, only trace
// headers in static mode) and how the instrumented server side continues the trace.
import { finish } from './instrument';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

async function main(): Promise<void> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sentryTrace: request.headers['sentry-trace'] ?? null, baggage: request.headers['baggage'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/echo-trace-headers`);
  console.log(JSON.stringify(await response.json()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await finish();
}

void main();
