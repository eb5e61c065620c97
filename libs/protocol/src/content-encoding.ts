import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * Request bodies arrive compressed: `@sentry/node` gzips bodies over 32 KiB, other SDKs use
 * deflate, br or zstd. Decoding runs on zlib streams (off the event loop) with a byte counter: a
 * small body that inflates past the limit (a "zip bomb") is stopped as soon as the output passes
 * the limit, without ever holding more than the limit in memory.
 */
export type DecodeErrorCode =
  /** A coding Pulse cannot decode (→ 415, as Relay's decompression layer answers). */
  | 'unsupported_encoding'
  /** The body is not valid data of its coding (→ 400). */
  | 'corrupt'
  /** The decoded body would exceed the limit (→ 413). */
  | 'too_large';

export interface DecodeError {
  code: DecodeErrorCode;
  detail: string;
  /** With `too_large`: how many decoded bytes were read before decoding stopped. */
  decodedBytes?: number;
}

export type DecodeResult = { ok: true; body: Buffer } | { ok: false; error: DecodeError };

export const DECODE_ERROR_STATUS: Record<DecodeErrorCode, number> = { unsupported_encoding: 415, corrupt: 400, too_large: 413 };

type Decoder = (input: Buffer) => Transform;

/** Node 22.15+ has zstd; Node 20 does not, and its type definitions do not know the function. */
const createZstdDecompress = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

const DECODERS = new Map<string, Decoder>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  // HTTP says deflate is zlib-wrapped, but some clients send raw deflate: tell them apart by header
  // (unambiguous: a raw stream starting like a zlib header would need a stored block with non-zero
  // padding bits, which no encoder writes).
  ['deflate', (input) => (hasZlibHeader(input) ? zlib.createInflate() : zlib.createInflateRaw())],
  ['br', () => zlib.createBrotliDecompress()],
]);
if (typeof createZstdDecompress === 'function') DECODERS.set('zstd', () => createZstdDecompress());

/**
 * Codings that mean "not encoded": `identity`, and what SDKs send by mistake — an empty value
 * (sentry-ruby 5.x) or a charset (`UTF-8`, sentry-java android 2.0). Relay ignores the same ones.
 */
const IDENTITY = new Set(['', 'identity', 'utf-8']);

/**
 * Decodes a body by its `Content-Encoding`. Several codings (`gzip, br`) were applied in the order
 * listed, so they are undone from last to first. Every coding is checked before any work is done.
 */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined, maxDecodedBytes: number): Promise<DecodeResult> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => !IDENTITY.has(coding));
  const unsupported = codings.find((coding) => !DECODERS.has(coding));
  if (unsupported !== undefined) {
    const why = unsupported === 'zstd' ? `this Node.js ${process.versions.node} has no zstd decoder` : 'unknown content coding';
    return fail('unsupported_encoding', `unsupported Content-Encoding "${unsupported}": ${why}; use gzip, deflate or br`);
  }

  let decoded = body;
  for (const coding of codings.reverse()) {
    const result = await decodeOne(decoded, coding, maxDecodedBytes);
    if (!result.ok) return result;
    decoded = result.body;
  }
  if (decoded.length > maxDecodedBytes) return tooLarge(maxDecodedBytes, codings.length > 0);
  return { ok: true, body: decoded };
}

function decodeOne(input: Buffer, coding: string, maxBytes: number): Promise<DecodeResult> {
  const decoder = DECODERS.get(coding) as Decoder;
  return inflate(input, decoder(input), coding, maxBytes);
}

function inflate(input: Buffer, stream: Transform, coding: string, maxBytes: number): Promise<DecodeResult> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: DecodeResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks = []; // let the partial output go before the stream winds down
        stream.destroy();
        settle(tooLarge(maxBytes, true, size));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (err: Error) => settle(fail('corrupt', `body is not valid ${coding} data: ${err.message}`)));
    stream.on('end', () => settle({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) }));
    stream.end(input);
  });
}

/** RFC 1950: compression method 8 in the low nibble, and the two header bytes a multiple of 31. */
function hasZlibHeader(input: Buffer): boolean {
  return input.length >= 2 && (input[0] & 0x0f) === 8 && (input[0] >> 4) <= 7 && ((input[0] << 8) | input[1]) % 31 === 0;
}

function tooLarge(maxBytes: number, decoded: boolean, decodedBytes?: number): DecodeResult {
  const result = fail('too_large', `request body is larger than ${maxBytes} bytes${decoded ? ' once decompressed' : ''}`);
  if (!result.ok && decodedBytes !== undefined) result.error.decodedBytes = decodedBytes;
  return result;
}

function fail(code: DecodeErrorCode, detail: string): DecodeResult {
  return { ok: false, error: { code, detail } };
}
