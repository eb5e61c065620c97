import { clickHouseQueryOf, ForwardingServer, forwardRequest, readAnswer } from './forwarding-server';

/**
 * An HTTP proxy in front of ClickHouse that passes everything through, except that for requests
 * `swallow` picks (by their `query` parameter) it forwards the request, lets ClickHouse answer, and then drops the connection
 * instead of relaying the answer: the insert happened, but the client never hears of it.
 */
export class ClickHouseProxy {
  private constructor(private readonly server: ForwardingServer) {}

  get url(): string {
    return this.server.url;
  }

  static async start(upstream: string, swallow: (query: string) => boolean, onSwallowed: () => void): Promise<ClickHouseProxy> {
    const target = new URL(upstream);
    const server = await ForwardingServer.listen((incoming, outgoing) => {
      const forward = forwardRequest(target, incoming, (answer) =>
        readAnswer(answer, (body) => {
          if ((answer.statusCode ?? 500) < 300 && swallow(clickHouseQueryOf(incoming))) {
            incoming.socket.destroy();
            onSwallowed();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(body);
        }),
      );
      incoming.pipe(forward);
    });
    return new ClickHouseProxy(server);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
