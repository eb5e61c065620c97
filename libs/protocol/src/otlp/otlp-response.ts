import { encodeMessage, EXPORT_TRACE_SERVICE_RESPONSE, RPC_STATUS } from './otlp-schema';
import type { OtlpEncoding } from './otlp-traces';

/**
 * OTLP/HTTP response bodies (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response), in the
 * encoding of the request: an ExportTraceServiceResponse on success (with `partial_success` only
 * when some spans were rejected), a google.rpc.Status on failure. JSON follows the proto3 JSON
 * mapping the spec names: lowerCamelCase keys, int64 as a decimal string.
 */

export const OTLP_CONTENT_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** ExportTraceServiceResponse; `partial` when the request was accepted but some spans were not. */
export function encodeOtlpTraceResponse(encoding: OtlpEncoding, partial?: { rejectedSpans: number; errorMessage: string }): Buffer {
  if (encoding === 'json') {
    const body = partial === undefined ? {} : { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } };
    return Buffer.from(JSON.stringify(body));
  }
  return encodeMessage(EXPORT_TRACE_SERVICE_RESPONSE, partial === undefined ? {} : { partialSuccess: partial });
}

/** google.rpc.Status: `code` a google.rpc.Code (e.g. 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED), no details. */
export function encodeOtlpStatus(encoding: OtlpEncoding, status: { code: number; message: string }): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code: status.code, message: status.message }));
  return encodeMessage(RPC_STATUS, { code: status.code, message: status.message });
}
