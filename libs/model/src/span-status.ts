/**
 * Sentry span/transaction status names and their numeric codes (the gRPC codes). Aliases that
 * older SDKs send map onto the canonical name.
 */
const CODES: Record<string, number> = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal_error: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};
const ALIASES: Record<string, string> = { unknown_error: 'unknown', failure: 'internal_error' };

export interface SpanStatus {
  status: string;
  code: number;
}

/** A missing or unrecognised status counts as `unknown`, as Sentry does. */
export function normalizeSpanStatus(raw: unknown): SpanStatus {
  const name = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  const canonical = ALIASES[name] ?? name;
  const code = CODES[canonical];
  return code === undefined ? { status: 'unknown', code: CODES.unknown } : { status: canonical, code };
}

/** Failure rate counts every status but ok, cancelled and unknown (metric definitions). */
export function isFailureStatus(status: string): boolean {
  return status !== 'ok' && status !== 'cancelled' && status !== 'unknown';
}

/**
 * Sentry's HTTP status → span status table (@sentry/core `getSpanStatusFromHttpCode`, the table its
 * SDKs and its OpenTelemetry integration use; @sentry/core 11.12 src/tracing/spanstatus.ts): 1xx-3xx
 * ok; the 4xx and 5xx codes that have a status of their own; any other 4xx invalid_argument;
 * anything else (other 5xx, codes out of range) internal_error.
 */
export function spanStatusFromHttpCode(httpStatus: number): SpanStatus {
  if (httpStatus >= 100 && httpStatus < 400) return normalizeSpanStatus('ok');
  const named = HTTP_STATUSES[httpStatus];
  if (named) return normalizeSpanStatus(named);
  if (httpStatus >= 400 && httpStatus < 500) return normalizeSpanStatus('invalid_argument');
  return normalizeSpanStatus('internal_error');
}

const HTTP_STATUSES: Record<number, string> = {
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  413: 'failed_precondition',
  429: 'resource_exhausted',
  499: 'cancelled',
  501: 'unimplemented',
  503: 'unavailable',
  504: 'deadline_exceeded',
};
