import { ClientRequest, createServer, IncomingMessage, request, RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The core the test proxies share (ClickHouseProxy, ClickHouseGate, ResendProxy): an HTTP server
 * on a free loopback port, and forwarding of one request to the upstream as it came (method,
 * path, headers; only `host` names the upstream). What a proxy does with the answer — relay it,
 * hold it, drop the connection after the upstream did its work — is the proxy's own.
 */
export class ForwardingServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /**
   * Query parameters (bound values) can make URLs far longer than Node's default 16 KiB header
   * limit (a 431 before the handler runs); ClickHouse takes 1 MiB, so the proxies do too.
   */
  static async listen(handler: RequestListener): Promise<ForwardingServer> {
    const server = createServer({ maxHeaderSize: 1024 * 1024 }, handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ForwardingServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * Sends `incoming`'s method, path and headers to `upstream`; the caller writes or pipes the body.
 * A failed forward drops the client's connection unless `onError` says otherwise.
 */
export function forwardRequest(upstream: URL, incoming: IncomingMessage, onAnswer: (answer: IncomingMessage) => void, onError = (): void => void incoming.socket.destroy()): ClientRequest {
  const forward = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } }, onAnswer);
  forward.on('error', onError);
  return forward;
}

/** The whole answer, once the upstream has finished it. */
export function readAnswer(answer: IncomingMessage, onEnd: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.on('end', () => onEnd(Buffer.concat(chunks)));
}

/** The `query` parameter of a ClickHouse HTTP request (the SQL, or the INSERT of a body). */
export function clickHouseQueryOf(incoming: IncomingMessage): string {
  return new URL(incoming.url ?? '/', 'http://clickhouse').searchParams.get('query') ?? '';
}
