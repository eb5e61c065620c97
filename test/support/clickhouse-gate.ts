import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the gate does with one request, chosen from its `query` parameter. */
export type GateRule = 'pass' | 'fail' | 'hold';

interface HeldRequest {
  incoming: IncomingMessage;
  body: Buffer;
}

/**
 * An HTTP proxy in front of ClickHouse whose rule can change while the test runs: `pass`
 * forwards; `fail` answers 500 with ClickHouse's overload error without forwarding (a transient
 * failure the consumer retries); `hold` keeps the request, unforwarded, until `release()` sends
 * every held one to ClickHouse — by then its client may be long gone (killed, or timed out), so
 * the insert lands late, as a zombie's would.
 */
export class ClickHouseGate {
  /** Requests the gate has held so far (released or not). */
  held = 0;
  /** Held requests ClickHouse has answered after their release. */
  releasedAnswered = 0;
  private readonly waiting: HeldRequest[] = [];

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    readonly url: string,
    private rule: (query: string) => GateRule,
  ) {}

  static async start(upstream: string, rule: (query: string) => GateRule = () => 'pass'): Promise<ClickHouseGate> {
    // Requests arrive only after listen(), when `gate` exists. Query parameters (bound values)
    // can make URLs far longer than Node's default 16 KiB header limit; ClickHouse takes 1 MiB.
    const server = createServer({ maxHeaderSize: 1024 * 1024 }, (incoming, outgoing) => void gate.handle(incoming, outgoing).catch(() => incoming.socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const gate = new ClickHouseGate(server, new URL(upstream), `http://127.0.0.1:${(server.address() as AddressInfo).port}`, rule);
    return gate;
  }

  setRule(rule: (query: string) => GateRule): void {
    this.rule = rule;
  }

  /** Forwards every held request to ClickHouse; their answers go nowhere. */
  release(): void {
    for (const { incoming, body } of this.waiting.splice(0)) {
      const forward = this.forward(incoming, (answer) => {
        answer.resume();
        answer.on('end', () => this.releasedAnswered++);
      });
      forward.on('error', () => undefined);
      forward.end(body);
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const query = new URL(incoming.url ?? '/', this.upstream).searchParams.get('query') ?? '';
    const rule = this.rule(query);
    if (rule === 'fail') {
      incoming.resume();
      outgoing.writeHead(500, { 'X-ClickHouse-Exception-Code': '202' });
      outgoing.end('Code: 202. DB::Exception: Too many simultaneous queries. (TOO_MANY_SIMULTANEOUS_QUERIES)\n');
      return;
    }
    if (rule === 'hold') {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      this.waiting.push({ incoming, body: Buffer.concat(chunks) });
      this.held++;
      return;
    }
    const forward = this.forward(incoming, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forward.on('error', () => incoming.socket.destroy());
    incoming.pipe(forward);
  }

  private forward(incoming: IncomingMessage, onAnswer: (answer: IncomingMessage) => void) {
    const { hostname, port, host } = this.upstream;
    return request({ host: hostname, port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host } }, onAnswer);
  }
}
