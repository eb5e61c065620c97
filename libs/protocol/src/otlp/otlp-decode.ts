import { OtlpDecodeFailure } from './otlp-decode-failure';
import { decodeOtlpJson } from './otlp-json-decoder';
import { decodeOtlpProtobuf } from './otlp-protobuf-decoder';
import type { OtlpDecodeResult, OtlpEncoding } from './otlp-traces';

/**
 * The entry point of OTLP trace decoding: picks the encoding from the Content-Type and turns a
 * (decompressed) request body into an {@link OtlpDecodeResult}. Bad input is a result, never an
 * exception: the decoders throw OtlpDecodeFailure (protobufjs `Reader`'s errors, such as truncated
 * bytes or an invalid wire type, become `malformed` with their message; too_deep and too_many_spans
 * keep their code and detail), which becomes the result here.
 */
export function decodeOtlpTraces(body: Buffer, encoding: OtlpEncoding, limits: { maxSpans: number }): OtlpDecodeResult {
  try {
    const request = encoding === 'protobuf' ? decodeOtlpProtobuf(body, limits.maxSpans) : decodeOtlpJson(body, limits.maxSpans);
    return { ok: true, request };
  } catch (error) {
    if (error instanceof OtlpDecodeFailure) return { ok: false, error: { code: error.code, detail: error.detail } };
    throw error;
  }
}

/**
 * The OTLP encoding a Content-Type names (parameters such as `charset` ignored, case-insensitive):
 * application/x-protobuf or application/protobuf → protobuf, application/json → json; anything
 * else (or none) → undefined, which OTLP/HTTP answers with 415.
 */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}
