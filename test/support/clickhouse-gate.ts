import type { IncomingMessage, ServerResponse } from 'node:http';
import { clickHouseQueryOf, ForwardingServer, forwardRequest } from './forwarding-server';

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

  private server!: ForwardingServer;

  private constructor(
    private readonly upstream: URL,
    private rule: (query: string) => GateRule,
  ) {}

  get url(): string {
    return this.server.url;
  }

  static async start(upstream: string, rule: (query: string) => GateRule = () => 'pass'): Promise<ClickHouseGate> {
    const gate = new ClickHouseGate(new URL(upstream), rule);
    gate.server = await ForwardingServer.listen((incoming, outgoing) => void gate.handle(incoming, outgoing).catch(() => incoming.socket.destroy()));
    return gate;
  }

  setRule(rule: (query: string) => GateRule): void {
    this.rule = rule;
  }

  /** Forwards every held request to ClickHouse; their answers go nowhere. */
  release(): void {
    for (const { incoming, body } of this.waiting.splice(0)) {
      // The answer goes nowhere, and so does a failure to forward.
      const forward = forwardRequest(
        this.upstream,
        incoming,
        (answer) => {
          answer.resume();
          answer.on('end', () => this.releasedAnswered++);
        },
        () => undefined,
      );
      forward.end(body);
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const rule = this.rule(clickHouseQueryOf(incoming));
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
    const forward = forwardRequest(this.upstream, incoming, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  }
}
