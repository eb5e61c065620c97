/**
 * String limits applied during normalization (the same ones Relay applies to these fields).
 * Longer values are cut, not rejected: losing the tail of a name is better than losing the event.
 */
export const LIMITS = {
  transactionName: 200,
  release: 200,
  environment: 64,
  dist: 64,
  tagKey: 200,
  tagValue: 200,
  maxTags: 100,
  op: 128,
  shortField: 128,
} as const;

export function truncate(value: unknown, max: number): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  return text.length > max ? text.slice(0, max) : text;
}
