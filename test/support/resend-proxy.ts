import { gunzipSync } from 'node:zlib';
import { ForwardingServer, forwardRequest, readAnswer } from './forwarding-server';

/** One request the proxy forwarded, and what ingest answered it. */
export interface Delivery {
  /** The envelope without its header's `sent_at`, which a re-send renews. */
  identity: string;
  /** 1 for the first delivery of this envelope, 2 for the first re-send, … */
  attempt: number;
  /** Ingest's status (the client heard it only when `answered`). */
  status: number;
  answered: boolean;
  /** The envelope header (`event_id`, `sent_at`, …). */
  header: Record<string, unknown>;
  /** The `type` of every item (`transaction`, `event`, `session`, `client_report`, …). */
  itemTypes: string[];
}

/**
 * An HTTP proxy in front of ingest. Every request is forwarded and ingest answers it (so ingest
 * stores the envelope); for the deliveries `loseAnswer` picks, the proxy then drops the client's
 * connection instead of relaying the answer, as a network failure after the server did its work.
 * An SDK that retries on such a failure sends the same envelope again.
 */
export class ResendProxy {
  private constructor(
    private readonly server: ForwardingServer,
    readonly deliveries: Delivery[],
  ) {}

  get url(): string {
    return this.server.url;
  }

  static async start(upstream: string, loseAnswer: (attempt: number) => boolean): Promise<ResendProxy> {
    const target = new URL(upstream);
    const attempts = new Map<string, number>();
    const deliveries: Delivery[] = [];
    const server = await ForwardingServer.listen((incoming, outgoing) => {
      const body: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => body.push(chunk));
      incoming.on('end', () => {
        const raw = Buffer.concat(body);
        const envelope = incoming.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const text = envelope.toString('utf8');
        const { identity, header } = envelopeIdentity(text);
        const itemTypes = itemTypesOf(text);
        const attempt = (attempts.get(identity) ?? 0) + 1;
        attempts.set(identity, attempt);
        const forward = forwardRequest(target, incoming, (answer) =>
          readAnswer(answer, (answerBody) => {
            const status = answer.statusCode ?? 502;
            const lose = loseAnswer(attempt);
            deliveries.push({ identity, attempt, status, answered: !lose, header, itemTypes });
            if (lose) {
              incoming.socket.destroy();
              return;
            }
            outgoing.writeHead(status, answer.headers);
            outgoing.end(answerBody);
          }),
        );
        forward.end(raw);
      });
    });
    return new ResendProxy(server, deliveries);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

function envelopeIdentity(text: string): { identity: string; header: Record<string, unknown> } {
  const newline = text.indexOf('\n');
  const headerLine = newline === -1 ? text : text.slice(0, newline);
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(headerLine) as Record<string, unknown>;
  } catch {
    return { identity: text, header };
  }
  const { sent_at: _sentAt, ...rest } = header;
  return { identity: JSON.stringify(rest) + (newline === -1 ? '' : text.slice(newline)), header };
}

/** Item headers are the lines after the envelope header whose JSON names a `type`. */
function itemTypesOf(text: string): string[] {
  const types = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    if (!line.startsWith('{"type"')) continue;
    try {
      const parsed = JSON.parse(line) as { type?: unknown };
      if (typeof parsed.type === 'string') types.add(parsed.type);
    } catch {
      // a payload line, not an item header
    }
  }
  return [...types];
}
