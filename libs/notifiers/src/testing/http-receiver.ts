import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The part every stand-in service shares: a real HTTP server on 127.0.0.1 (a free port the OS
 * picks), that records each request it accepted (`received`) or rejected (`invalid`, with the
 * reason), and can be made to fail like a real service does: answer a status, close the
 * connection without an answer, or never answer at all (the sender's timeout must end it).
 * Each service module supplies only `handle`: validate a request and answer as that service.
 */

export interface ReceivedRequest {
  method: string;
  /** The path with its query string, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received (a signature is verified over these). */
  rawBody: Buffer;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown;
  /** The sender's `Idempotency-Key`, when it sent one. */
  idempotencyKey: string | undefined;
  receivedAtMs: number;
}

export interface InvalidRequest extends ReceivedRequest {
  reason: string;
}

/** What a service answers a request with; `invalid` records it as rejected, with the reason. */
export interface ServiceAnswer {
  status: number;
  body: string | object;
  headers?: Record<string, string>;
  invalid?: string;
}

/**
 * A failure mode: answer this status, close the connection, hang before answering, or `stall`:
 * send 200 and part of a body, then nothing (a deadline must cover the body too).
 * `accept-no-answer` takes the request as a real service would (it is recorded in `received`: the
 * receiver acted on it) and then never answers: the answer lost on the way back, which is what
 * makes a sender send the same notification again.
 */
export type DownMode = number | 'close' | 'hang' | 'stall' | 'accept-no-answer';

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly received: ReceivedRequest[];
  readonly invalid: InvalidRequest[];
  /** Every request that reached the server, accepted, rejected or failed on purpose. */
  attempts(): number;
  /** The distinct Idempotency-Keys of the accepted requests. */
  distinctKeys(): Set<string>;
  /** Fail every request from now on; `retryAfterSeconds` adds a Retry-After to a status answer. */
  setDown(mode: DownMode, options?: { retryAfterSeconds?: number }): void;
  /** Answer normally again. */
  setUp(): void;
  stop(): Promise<void>;
}

export async function startHttpReceiver(handle: (request: ReceivedRequest) => ServiceAnswer): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const invalid: InvalidRequest[] = [];
  const sockets = new Set<Socket>();
  let attempts = 0;
  let down: { mode: DownMode; retryAfterSeconds?: number } | undefined;

  const respond = (res: ServerResponse, answer: ServiceAnswer): void => {
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const contentType = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(answer.status, { 'Content-Type': contentType, ...answer.headers });
    res.end(text);
  };

  const onRequest = (rawBody: Buffer, req: IncomingMessage, res: ServerResponse): void => {
    attempts += 1;
    if (down !== undefined && down.mode !== 'accept-no-answer') {
      if (down.mode === 'close') {
        req.socket.destroy();
        return;
      }
      if (down.mode === 'hang') return;
      if (down.mode === 'stall') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"partial":');
        return;
      }
      const headers: Record<string, string> = down.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(down.retryAfterSeconds) };
      respond(res, { status: down.mode, body: `down (${down.mode})`, headers });
      return;
    }
    const key = req.headers['idempotency-key'];
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      idempotencyKey: typeof key === 'string' ? key : undefined,
      receivedAtMs: Date.now(),
    };
    const answer = handle(request);
    if (answer.invalid === undefined) received.push(request);
    else invalid.push({ ...request, reason: answer.invalid });
    if (down?.mode === 'accept-no-answer') return;
    respond(res, answer);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => onRequest(Buffer.concat(chunks), req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    invalid,
    attempts: () => attempts,
    distinctKeys: () => new Set(received.flatMap((request) => (request.idempotencyKey === undefined ? [] : [request.idempotencyKey]))),
    setDown: (mode, options = {}) => {
      down = { mode, retryAfterSeconds: options.retryAfterSeconds };
    },
    setUp: () => {
      down = undefined;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err === undefined ? resolve() : reject(err))));
    },
  };
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A plain JSON object, for the shape checks of the services. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A header's single value (Node joins or lists repeated ones). */
export function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
