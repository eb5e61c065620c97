import type { DataCategory, RateLimits } from '@pulse/config';
import type { StoredItemKind } from '@pulse/model';
import { formatRateLimits, RATE_LIMITS_HEADER } from '@pulse/protocol';
import type { Refusal } from '../drop-reasons';
import type { RateLimiter } from '../rate-limiter';
import type { StoredItem } from './read-items.step';

/**
 * The quota category of each stored item kind. Client reports have none: they are what an SDK
 * says it dropped, which Relay treats as internal items that never consume a quota and are never
 * rate limited (relay-server/src/envelope/item.rs, `ItemType::ClientReport` has no data category).
 */
export const CATEGORY: { readonly [K in StoredItemKind]: DataCategory | undefined } = {
  event: 'error',
  transaction: 'transaction',
  span: 'span',
  session: 'session',
  sessions: 'session',
  client_report: undefined,
};

export interface Quota {
  /** The categories over quota: their items are dropped. */
  readonly limited: ReadonlySet<DataCategory> | undefined;
  /** X-Sentry-Rate-Limits naming them. */
  readonly headers: Record<string, string> | undefined;
}

/** Nothing limited: a key without quotas (most: they skip the limiter), or one within them. */
export const WITHIN_QUOTA: Quota = { limited: undefined, headers: undefined };

/**
 * limit: charges the key's quotas with the stored items (an item costs one, a span batch its
 * spans: read-items.step.ts counted them), each category all or nothing (rate-limiter.ts). The
 * categories refused come back with the X-Sentry-Rate-Limits header naming them; when every
 * category is refused, the request is (a 429).
 */
export function takeQuotas(limiter: RateLimiter, publicKey: string, limits: RateLimits, stored: readonly StoredItem[]): Quota | Refusal {
  if (!hasAnyLimit(limits)) return WITHIN_QUOTA;
  const demands: Array<{ category: DataCategory; quantity: number }> = [];
  let quotaFree = false;
  for (const { kind, quantity } of stored) {
    const category = CATEGORY[kind];
    if (category === undefined) quotaFree = true;
    else demands.push({ category, quantity });
  }
  const { limited, allLimited, retryAfterS } = limiter.takeMany(publicKey, demands, limits);
  if (limited.length === 0) return WITHIN_QUOTA;
  const headers = { [RATE_LIMITS_HEADER]: formatRateLimits(limited.map((l) => ({ retryAfterS: l.retryAfterS, categories: [l.category], scope: 'key' }))) };
  // Items without a quota (client reports) are stored even when every category is limited.
  if (allLimited && !quotaFree) return { refusal: 'rate_limited', items: stored, headers, retryAfterS };
  return { limited: new Set(limited.map((l) => l.category)), headers };
}

/** Whether a key has any quota. */
function hasAnyLimit(limits: RateLimits): boolean {
  for (const category in limits) if (limits[category as DataCategory] !== undefined) return true;
  return false;
}
