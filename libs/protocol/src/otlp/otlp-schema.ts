import { type INamespace, Reader, Root, type Type } from 'protobufjs';
import descriptor from './otlp-descriptor.json';
import { MAX_OTLP_VALUE_DEPTH } from './otlp-traces';

/**
 * The protobuf message types of OTLP trace export (opentelemetry-proto v1.9.0) and google.rpc.Status,
 * loaded from otlp-descriptor.json: protocol reads no files at run time, so the vendored .proto files
 * (libs/protocol/proto) are compiled into that committed descriptor. Regenerate it after changing a
 * .proto: `npx tsc -p tsconfig.json && npx tsc-alias -p tsconfig.json && node dist/scripts/otlp-descriptor.js`;
 * otlp-descriptor.spec.ts re-parses the .proto files and fails while the two differ.
 */
const root = Root.fromJSON(descriptor as INamespace);

/**
 * Message nesting protobufjs decodes before it stops with "max depth exceeded" (a bound on its
 * recursion, so a nesting bomb cannot exhaust the stack). Its default, 100 (protoc's), is a little
 * short of what MAX_OTLP_VALUE_DEPTH allows: an event attribute's AnyValue sits 6 messages deep
 * (request, ResourceSpans, ScopeSpans, Span, Event, KeyValue) and each kvlist adds 3 (KeyValueList,
 * KeyValue, AnyValue). So the limit is raised to exactly that: protobufjs decodes every request
 * the contract allows, and refuses the 33rd kvlist itself, which the decoder reports as too_deep.
 * The limit is protobufjs's global (its generated decoders, and the hand-written reader of
 * otlp-protobuf-values.ts, read the static); it is only raised.
 */
export const OTLP_PROTOBUF_MAX_NESTING = 6 + 3 * MAX_OTLP_VALUE_DEPTH;
if (Reader.recursionLimit < OTLP_PROTOBUF_MAX_NESTING) Reader.recursionLimit = OTLP_PROTOBUF_MAX_NESTING;

/** protobufjs's message when a request nests deeper than the recursion limit. */
export const PROTOBUF_MAX_DEPTH_MESSAGE = 'max depth exceeded';

export const EXPORT_TRACE_SERVICE_REQUEST: Type = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
export const EXPORT_TRACE_SERVICE_RESPONSE: Type = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
export const RPC_STATUS: Type = root.lookupType('google.rpc.Status');

/** A message's wire bytes as a Buffer (protobufjs returns a Buffer under Node; this does not copy). */
export function encodeMessage(type: Type, value: Record<string, unknown>): Buffer {
  const bytes = type.encode(type.fromObject(value)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
