/**
 * The field checks every destination's `check` is built from. A rule's actions come from the API
 * or a provisioning file, so each problem names its field (`url must be an http(s) URL`) and the
 * rule validator prefixes `actions[i].`. Checked once when a rule is saved, and again before each
 * send (an action stored under older rules must not reach the network malformed).
 */

/** Longest URL accepted: far beyond any real webhook or Jira site, short of abuse. */
export const MAX_URL_LENGTH = 2048;

/** Problems for fields the action type does not know (a typo such as `secert` must not pass silently). */
export function unknownFields(action: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(action)
    .filter((field) => !known.includes(field))
    .map((field) => `${field} is not a field of a ${String(action.type)} action (known: ${known.join(', ')})`);
}

/**
 * An absolute http(s) URL without credentials: a secret in a URL ends up in logs and responses,
 * and a `file:` or `javascript:` URL is never a destination.
 */
export function checkHttpUrl(value: unknown, field: string, { allowQuery = true }: { allowQuery?: boolean } = {}): string[] {
  if (typeof value !== 'string' || value.length === 0) return [`${field} must be a non-empty string`];
  if (value.length > MAX_URL_LENGTH) return [`${field} must be at most ${MAX_URL_LENGTH} characters`];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`${field} must be an absolute http(s) URL`];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [`${field} must be an http(s) URL`];
  if (url.username !== '' || url.password !== '') return [`${field} must not contain credentials`];
  if (url.hostname === '') return [`${field} must name a host`];
  if (!allowQuery && (url.search !== '' || url.hash !== '')) return [`${field} must not have a query or fragment`];
  return [];
}

/** A required string of 1..maxLength characters, not only whitespace. */
export function checkRequiredString(value: unknown, field: string, maxLength: number): string[] {
  if (typeof value !== 'string' || value.trim().length === 0) return [`${field} must be a non-empty string`];
  if (value.length > maxLength) return [`${field} must be at most ${maxLength} characters`];
  return [];
}

/** Like checkRequiredString, when the field may be absent. */
export function checkOptionalString(value: unknown, field: string, maxLength: number): string[] {
  return value === undefined ? [] : checkRequiredString(value, field, maxLength);
}
