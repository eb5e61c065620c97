import type { NormalizeResult } from '../normalize-context';

/** The record a normalizer made; a refused event fails the test with the normalizer's reason. */
export function normalizedRecord<T>(result: NormalizeResult<T>): T {
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}
