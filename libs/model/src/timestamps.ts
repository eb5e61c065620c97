/**
 * Sentry timestamps are float seconds since the epoch or RFC 3339 strings; Pulse uses epoch ms.
 * The result is not range-checked here (NaN for text `Date.parse` cannot read, any size for a
 * number): the time rules (clock.ts) refuse a record whose times are not storable.
 */
export function toEpochMs(value: number | string): number {
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  // DateTime64(3) keeps milliseconds; rounding here keeps start/finish/duration consistent.
  return Math.round(ms);
}

/**
 * The range of DateTime64(3) that ClickHouse documents for every version (newer servers store
 * more; older ones silently saturate outside it). Inside it epoch ms are integers far below 2^53,
 * so differences (durations) and shifts are exact.
 */
export const MIN_STORABLE_MS = Date.UTC(1900, 0, 1);
export const MAX_STORABLE_MS = Date.UTC(2300, 0, 1) - 1;

/** Whether `ms` is a finite time DateTime64(3) stores exactly (false for NaN and ±Infinity). */
export function isStorableMs(ms: number): boolean {
  return ms >= MIN_STORABLE_MS && ms <= MAX_STORABLE_MS;
}

/** A time for a reason text: ISO 8601 when it is storable, else the epoch ms Pulse computed. */
export function describeMs(ms: number): string {
  if (isStorableMs(ms)) return new Date(ms).toISOString();
  return Number.isFinite(ms) ? `${ms} ms since the epoch` : `${ms}`;
}
