import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { otlpDescriptorJson, OTLP_PROTO_DIR } from '@pulse/protocol/testing';

// The decoder loads the committed otlp-descriptor.json (protocol reads no files at run time); this
// re-parses the vendored .proto files and fails when the two differ. To fix it, regenerate:
// `npx tsc -p tsconfig.json && npx tsc-alias -p tsconfig.json && node dist/scripts/otlp-descriptor.js`.
describe('otlp-descriptor.json', () => {
  it('is exactly what the vendored .proto files parse to', () => {
    const committed = readFileSync(join(__dirname, 'otlp-descriptor.json'), 'utf8');
    expect(committed).toBe(otlpDescriptorJson(OTLP_PROTO_DIR));
  });

  it('holds the trace export messages of opentelemetry-proto v1.9.0 and google.rpc.Status', () => {
    const vendored = readFileSync(join(OTLP_PROTO_DIR, 'opentelemetry/proto/trace/v1/trace.proto'), 'utf8');
    expect(vendored).toContain('message Span {');
    const descriptor = JSON.parse(readFileSync(join(__dirname, 'otlp-descriptor.json'), 'utf8')) as { nested: Record<string, unknown> };
    expect(Object.keys(descriptor.nested).sort()).toEqual(['google', 'opentelemetry']);
    expect(JSON.stringify(descriptor)).toContain('"ExportTraceServiceRequest"');
    expect(JSON.stringify(descriptor)).toContain('"Status"');
  });
});
