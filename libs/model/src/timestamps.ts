/** Sentry timestamps are float seconds since the epoch or RFC 3339 strings; Pulse uses epoch ms. */
export function toEpochMs(value: number | string): number {
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  // DateTime64(3) keeps milliseconds; rounding here keeps start/finish/duration consistent.
  return Math.round(ms);
}
