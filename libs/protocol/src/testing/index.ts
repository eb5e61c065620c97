import type { PayloadResult } from '../payload-reader';

/** The value a reader accepted; a rejected payload fails the test with the reader's detail. */
export function payloadValue<T>(result: PayloadResult<T>): T {
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}
export { encodeOtlpTracesProtobuf } from './otlp-encode';
export { OTLP_PROTO_DIR, OTLP_PROTO_FILES, otlpDescriptorJson, parseOtlpProtoFiles } from './otlp-proto';
export { decodeOtlpProtobufWithProtobufjs } from './otlp-protobufjs-decoder';
