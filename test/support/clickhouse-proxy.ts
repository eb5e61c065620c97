import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of ClickHouse that passes everything through, except that for requests
 * `swallow` picks (by their `query` parameter) it forwards the request, lets ClickHouse answer, and then drops the connection
 * instead of relaying the answer: the insert happened, but the client never hears of it.
 */
export class ClickHouseProxy {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(upstream: string, swallow: (query: string) => boolean, onSwallowed: () => void): Promise<ClickHouseProxy> {
    const target = new URL(upstream);
    // Bound query parameters can make URLs longer than Node's default 16 KiB header limit (a 431 before the handler runs).
    const server = createServer({ maxHeaderSize: 1024 * 1024 }, (incoming, outgoing) => {
      const forward = request(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const query = new URL(incoming.url ?? '/', upstream).searchParams.get('query') ?? '';
            if ((answer.statusCode ?? 500) < 300 && swallow(query)) {
              incoming.socket.destroy();
              onSwallowed();
              return;
            }
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(chunks));
          });
        },
      );
      forward.on('error', () => incoming.socket.destroy());
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ClickHouseProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
