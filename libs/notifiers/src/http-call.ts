import { request } from 'undici';
import type { DeliveryResult } from './destination';

/**
 * One HTTP exchange with a destination, and what its outcome means for the outbox. Every
 * destination sends through here so that they agree on the rules: one deadline (the delivery's
 * timeoutMs) covers connecting, the response headers and the body; nothing throws (a refused
 * connection is an outcome, not an exception); 2xx is success; 408, 429, 5xx, timeouts and
 * connection errors are worth retrying (honouring Retry-After); any other status is final.
 */

/** The part of a response body kept: enough for an error message or a small JSON answer. */
const MAX_RESPONSE_BYTES = 256 * 1024;
/** The part of a response body quoted in an error message. */
const MAX_ERROR_BODY_CHARS = 300;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

export type HttpOutcome =
  | { kind: 'response'; statusCode: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'failed'; timedOut: boolean; error: string };

export async function httpCall(call: HttpRequest): Promise<HttpOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
    const body = await readBody(response.body);
    return { kind: 'response', statusCode: response.statusCode, headers: response.headers, body };
  } catch (err) {
    if (controller.signal.aborted) return { kind: 'failed', timedOut: true, error: `timed out after ${call.timeoutMs} ms` };
    return { kind: 'failed', timedOut: false, error: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_RESPONSE_BYTES) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as Error & { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${cause}`;
}

/** Whether a status is worth another attempt: the server may answer differently later. */
export function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

/**
 * Retry-After as milliseconds from `nowMs`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3);
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone takes `-3` for a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** The generic reading of an outcome; destinations with their own error bodies refine it. */
export function deliveryResultOf(outcome: HttpOutcome, nowMs: number, externalRef?: string): DeliveryResult {
  if (outcome.kind === 'failed') return { ok: false, retry: true, error: outcome.error };
  const { statusCode } = outcome;
  if (statusCode >= 200 && statusCode < 300) return externalRef === undefined ? { ok: true, statusCode } : { ok: true, statusCode, externalRef };
  const error = `HTTP ${statusCode}${outcome.body.trim() === '' ? '' : `: ${outcome.body.trim().slice(0, MAX_ERROR_BODY_CHARS)}`}`;
  if (!isRetryableStatus(statusCode)) return { ok: false, retry: false, statusCode, error };
  const retryAfterMs = parseRetryAfter(outcome.headers['retry-after'], nowMs);
  return retryAfterMs === undefined ? { ok: false, retry: true, statusCode, error } : { ok: false, retry: true, statusCode, error, retryAfterMs };
}
