import { Dispatcher, errors, Pool } from 'undici';
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

/**
 * undici's Pool with keep-alive connections, one request per envelope as the SDKs make it
 * (sdk-request.ts). undici, through its handler API, rather than node:http because the generator
 * must cost little next to the server it loads: node:http's client cost ~0.7 ms of CPU per request
 * here (its agent, an IncomingMessage stream per response), most of the generator's budget. The
 * handler API also spares undici's own response stream and an AbortController per request.
 */
export class HttpTransport implements EnvelopeTransport {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(private readonly options: HttpTransportOptions) {}

  send(target: Target, envelope: BuiltEnvelope): Promise<SendOutcome> {
    const startedAt = performance.now();
    const { path, headers, body } = sdkRequest(target, envelope);
    if (this.closed) return Promise.resolve({ ok: false, errorCode: 'aborted', latencyMs: 0 });
    return new Promise<SendOutcome>((resolve) => {
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let answer = '';
      let settled = false;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const failed = (errorCode: string): void => finish({ ok: false, errorCode, latencyMs: performance.now() - startedAt });
      // One deadline from the start of the send to the last byte of the answer, as the summary
      // defines `timeout` (undici's own headers/body timeouts start later and tick coarsely).
      const timer = setTimeout(() => {
        failed('timeout');
        controller?.abort(new RequestEnded('timeout'));
      }, this.options.timeoutMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (started) => {
          controller = started;
          if (settled) started.abort(new RequestEnded('timeout'));
        },
        onResponseStart: (_, statusCode) => {
          status = statusCode;
        },
        // 2xx answers are read (Pulse names the items it left out there); the rest only drained.
        onResponseData: (_, chunk) => {
          if (status >= 200 && status < 300 && answer.length < MAX_ANSWER_CHARS) answer += chunk.toString('utf8');
        },
        onResponseEnd: () => finish({ ok: true, status, latencyMs: performance.now() - startedAt, partial: status >= 200 && status < 300 && namesDroppedItems(answer) }),
        onResponseError: (_, error) => failed(errorCodeOf(error)),
      };
      this.poolOf(target).dispatch({ path, method: 'POST', headers: stringHeaders(headers), body }, handler);
    });
  }

  /** Destroying the pools ends every request still open or queued with ClientDestroyedError (`aborted`). */
  close(): void {
    this.closed = true;
    for (const pool of this.pools.values()) pool.destroy().catch(() => undefined);
    this.pools.clear();
  }

  private poolOf(target: Target): Pool {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const origin = `${target.protocol}//${host}:${target.port}`;
    let pool = this.pools.get(origin);
    if (!pool) {
      // The send's own deadline (above) ends slow requests; undici's timers are off.
      pool = new Pool(origin, { connections: this.options.concurrency, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/** Pulse's answers are an id and, rarely, a list of dropped items: more than this is not read. */
const MAX_ANSWER_CHARS = 64 * 1024;

class RequestEnded extends Error {
  constructor(readonly code: 'timeout' | 'aborted') {
    super(code);
  }
}

/**
 * The SDK's headers for undici, without `content-length`: undici measures a string body itself
 * and writes that header, and given one it measures again to compare (a scan of up to ~17 KB).
 */
function stringHeaders(headers: ReturnType<typeof sdkRequest>['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && name !== 'content-length') out[name] = String(value);
  }
  return out;
}

/** Pulse answers 200 `{"id": …, "dropped": [...]}` when it left items out of an accepted envelope. */
function namesDroppedItems(text: string): boolean {
  if (!text.includes('"dropped"')) return false;
  try {
    const parsed = JSON.parse(text) as { dropped?: unknown };
    return Array.isArray(parsed.dropped) && parsed.dropped.length > 0;
  } catch {
    return false;
  }
}

/** undici's codes for the failures the summary names as node:http did: `timeout`, `aborted`, or the socket's own code (ECONNREFUSED…). */
function errorCodeOf(error: Error): string {
  if (error instanceof RequestEnded) return error.code;
  if (error instanceof errors.ClientDestroyedError || error instanceof errors.RequestAbortedError || error instanceof errors.ClientClosedError) return 'aborted';
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  const code = (error as NodeJS.ErrnoException).code ?? cause?.code;
  if (error instanceof errors.SocketError) return cause?.code ?? 'ECONNRESET';
  return typeof code === 'string' && code !== '' ? code : error.message || 'unknown';
}
