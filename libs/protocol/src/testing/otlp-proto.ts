import { join } from 'node:path';
import { Root } from 'protobufjs';

/**
 * Parses the vendored .proto files (libs/protocol/proto) into a protobufjs Root. The decoder never
 * does this at run time (protocol reads no files): it loads the committed otlp-descriptor.json,
 * which scripts/otlp-descriptor.ts writes from this Root and otlp-descriptor.spec.ts compares with
 * it, so that the descriptor and the .proto files cannot drift apart.
 */
export const OTLP_PROTO_FILES = ['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'google/rpc/status.proto'];

/** The vendored proto directory, from the source tree (specs run there). */
export const OTLP_PROTO_DIR = join(__dirname, '..', '..', 'proto');

/** The Root of the vendored protos under `protoDir`; imports resolve inside it (google/protobuf/* from protobufjs). */
export function parseOtlpProtoFiles(protoDir: string = OTLP_PROTO_DIR): Root {
  const root = new Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(OTLP_PROTO_FILES);
  root.resolveAll();
  return root;
}

/** The descriptor JSON of the vendored protos, exactly as otlp-descriptor.json is committed. */
export function otlpDescriptorJson(protoDir: string = OTLP_PROTO_DIR): string {
  return `${JSON.stringify(parseOtlpProtoFiles(protoDir).toJSON(), null, 2)}\n`;
}
