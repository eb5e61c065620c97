/**
 * The `X-Sentry-Rate-Limits` response header, which the SDKs obey (they never retry; they only
 * back off). Grammar, as Relay writes it (`format_rate_limits`) and the SDKs read it:
 *
 *   header      = limit *(", " limit)
 *   limit       = retry_after ":" [category *(";" category)] ":" scope [":" reason_code]
 *   retry_after = whole seconds
 *   scope       = "organization" / "project" / "key"
 *
 * An empty category list means every category. Example: `60:transaction;error:key:quota_exceeded, 30::project`.
 */
export type RateLimitScope = 'organization' | 'project' | 'key';

export interface RateLimit {
  retryAfterS: number;
  /** Data categories (`error`, `transaction`, `span`, `session`, `attachment`, `default`...); empty = all. */
  categories: readonly string[];
  scope: RateLimitScope;
  reasonCode?: string;
}

export const RATE_LIMITS_HEADER = 'X-Sentry-Rate-Limits';

/** What the SDKs assume when a 429 has no usable delay. */
const DEFAULT_RETRY_AFTER_S = 60;

/** Categories and reason codes are identifiers; `:`, `;`, `,` or spaces would break the header. */
const TOKEN = /^[A-Za-z0-9_.-]+$/;

export function formatRateLimits(limits: readonly RateLimit[]): string {
  const parts: string[] = [];
  for (const limit of limits) {
    const categories = limit.categories.filter((category) => TOKEN.test(category));
    // Dropping every (malformed) category would turn the limit into one on all categories.
    if (categories.length === 0 && limit.categories.length > 0) continue;
    let part = `${wholeSeconds(limit.retryAfterS)}:${categories.join(';')}:${limit.scope}`;
    if (limit.reasonCode !== undefined && TOKEN.test(limit.reasonCode)) part += `:${limit.reasonCode}`;
    parts.push(part);
  }
  return parts.join(', ');
}

/** Rounded up, as Relay does, so that a client never comes back before the limit has expired. */
function wholeSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) return DEFAULT_RETRY_AFTER_S;
  return Math.max(0, Math.ceil(seconds));
}
