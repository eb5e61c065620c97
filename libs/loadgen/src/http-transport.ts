import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { BuiltEnvelope } from './envelope';
import type { SendOutcome } from './load-stats';
import { sdkRequest } from './sdk-request';
import type { Target } from './targets';

/** Sends one envelope; the run loop only knows this interface (the unit tests give it a fake). */
export interface EnvelopeTransport {
  send(target: Target, envelope: BuiltEnvelope): Promise<SendOutcome>;
  /** Ends every request still open (their sends end as network error `aborted`) and closes the connections. */
  close(): void;
}

export interface HttpTransportOptions {
  /** Connections kept per host; the run never has more requests in flight than this. */
  concurrency: number;
  /** A request without a complete response by then ends as network error `timeout`. */
  timeoutMs: number;
}

class RequestAborted extends Error {
  constructor(readonly code: 'timeout' | 'aborted') {
    super(code);
  }
}

/** node:http(s) with keep-alive connections, one request per envelope as the SDKs make it (sdk-request.ts). */
export class HttpTransport implements EnvelopeTransport {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly open = new Set<ClientRequest>();

  constructor(private readonly options: HttpTransportOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
  }

  send(target: Target, envelope: BuiltEnvelope): Promise<SendOutcome> {
    const startedAt = performance.now();
    const latencyMs = () => performance.now() - startedAt;
    const { path, headers, body } = sdkRequest(target, envelope);

    return new Promise<SendOutcome>((resolve) => {
      const https = target.protocol === 'https:';
      const options = { host: target.host, port: target.port, path, method: 'POST', headers };
      const onResponse = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          this.open.delete(req);
          const status = response.statusCode ?? 0;
          resolve({ ok: true, status, latencyMs: latencyMs(), partial: status >= 200 && status < 300 && namesDroppedItems(Buffer.concat(chunks)) });
        });
        response.on('error', (error) => fail(error));
      };
      const req = https ? httpsRequest({ ...options, agent: this.httpsAgent }, onResponse) : httpRequest({ ...options, agent: this.httpAgent }, onResponse);
      const fail = (error: Error) => {
        this.open.delete(req);
        resolve({ ok: false, errorCode: errorCodeOf(error), latencyMs: latencyMs() });
      };
      this.open.add(req);
      req.setTimeout(this.options.timeoutMs, () => req.destroy(new RequestAborted('timeout')));
      req.on('error', fail);
      req.end(body);
    });
  }

  close(): void {
    for (const req of this.open) req.destroy(new RequestAborted('aborted'));
    this.open.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** Pulse answers 200 `{"id": …, "dropped": [...]}` when it left items out of an accepted envelope. */
function namesDroppedItems(body: Buffer): boolean {
  if (!body.includes('"dropped"')) return false;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { dropped?: unknown };
    return Array.isArray(parsed.dropped) && parsed.dropped.length > 0;
  } catch {
    return false;
  }
}

function errorCodeOf(error: Error): string {
  if (error instanceof RequestAborted) return error.code;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code !== '' ? code : error.message || 'unknown';
}
