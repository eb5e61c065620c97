import type { PayloadResult } from '../payload-reader';

/** The value a reader accepted; a rejected payload fails the test with the reader's detail. */
export function payloadValue<T>(result: PayloadResult<T>): T {
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}
