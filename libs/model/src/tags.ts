import { LIMITS, truncate } from './limits';

/**
 * Sentry tags as an object or a list of [key, value] pairs → string map: at most 100 entries,
 * keys and values cut to 200 characters; null, object and empty-key entries are skipped.
 */
export function normalizeTags(tags: Record<string, unknown> | Array<[string, unknown]> | null | undefined): Record<string, string> {
  const entries = Array.isArray(tags) ? tags : Object.entries(tags ?? {});
  const result: Record<string, string> = {};
  let count = 0;
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || count >= LIMITS.maxTags) continue;
    const [key, value] = entry;
    if (typeof key !== 'string' || key === '' || value === null || value === undefined || typeof value === 'object') continue;
    result[truncate(key, LIMITS.tagKey)] = truncate(value, LIMITS.tagValue);
    count++;
  }
  return result;
}
