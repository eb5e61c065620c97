import { decodeBody } from '@pulse/protocol';
import type { Refusal } from '../drop-reasons';

/**
 * decode: the request's bytes as sent → as written, undoing its Content-Encoding. The limit
 * (INGEST_MAX_ENVELOPE_BYTES) applies to the decoded size and stops a bomb while it inflates;
 * the size as sent was bounded by Fastify's body limit (INGEST_MAX_BODY_BYTES) before this runs.
 */
export async function decodeRequestBody(body: Buffer | undefined, contentEncoding: string | undefined, maxDecodedBytes: number): Promise<Buffer | Refusal> {
  if (!body || body.length === 0) return { refusal: 'empty_body' };
  const decoded = await decodeBody(body, contentEncoding, maxDecodedBytes);
  return decoded.ok ? decoded.body : { refusal: 'undecodable', error: decoded.error };
}
