import { deliveryResultOf, parseRetryAfter } from './http-call';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const response = (statusCode: number, body = '', headers: Record<string, string> = {}) => ({ kind: 'response' as const, statusCode, body, headers });

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('Mon, 07 Dec 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter(['5', '9'], NOW)).toBe(5000);
  });

  it.each([undefined, '', 'soon', '-3', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('deliveryResultOf', () => {
  it('takes every 2xx as delivered, with the external reference', () => {
    expect(deliveryResultOf(response(200), NOW)).toEqual({ ok: true, statusCode: 200 });
    expect(deliveryResultOf(response(201), NOW, 'OPS-1')).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-1' });
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(deliveryResultOf(response(status, 'busy'), NOW)).toEqual({ ok: false, retry: true, statusCode: status, error: `HTTP ${status}: busy` });
  });

  it.each([301, 400, 401, 403, 404, 410, 413, 422])('gives up on %i', (status) => {
    expect(deliveryResultOf(response(status), NOW)).toEqual({ ok: false, retry: false, statusCode: status, error: `HTTP ${status}` });
  });

  it('honours Retry-After on a retryable answer', () => {
    expect(deliveryResultOf(response(429, 'rate_limited', { 'retry-after': '7' }), NOW)).toEqual({ ok: false, retry: true, statusCode: 429, error: 'HTTP 429: rate_limited', retryAfterMs: 7000 });
  });

  it('retries a failed exchange and quotes at most 300 characters of a body', () => {
    expect(deliveryResultOf({ kind: 'failed', timedOut: true, error: 'timed out after 50 ms' }, NOW)).toEqual({ ok: false, retry: true, error: 'timed out after 50 ms' });
    const result = deliveryResultOf(response(400, 'x'.repeat(5000)), NOW);
    expect(result.ok === false && result.error.length).toBe('HTTP 400: '.length + 300);
  });
});
