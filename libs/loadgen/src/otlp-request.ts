import { encodeOtlpTracesProtobuf } from '@pulse/protocol/testing';
import type { OtlpJsonTracesRequest } from './otlp';
import type { SdkRequest } from './sdk-request';
import type { Target } from './targets';

/**
 * The POST an OpenTelemetry OTLP/HTTP trace exporter makes to Pulse
 * (`/api/<project>/integration/otlp/v1/traces`), in either encoding: `otlp-proto`
 * (`application/x-protobuf`, what @opentelemetry/exporter-trace-otlp-proto and the Collector
 * send) or `otlp-json` (`application/json`, exporter-trace-otlp-http). The DSN's public key goes in
 * `x-sentry-auth` (exporters set headers, not query strings); bodies go uncompressed, the JS
 * exporters' default. Exported so a benchmark can prepare the bytes before timing.
 */
export type OtlpFormat = 'otlp-proto' | 'otlp-json';

const EXPORTER_VERSION = '0.203.0';
const CONTENT_TYPES: Readonly<Record<OtlpFormat, string>> = { 'otlp-proto': 'application/x-protobuf', 'otlp-json': 'application/json' };
const USER_AGENT = `OTel-OTLP-Exporter-JavaScript/${EXPORTER_VERSION}`;

/** `/api/<project>/integration/otlp/v1/traces`, under the DSN's path prefix like the envelope path. */
export function otlpTracesPath(target: Target): string {
  return target.envelopePath.replace(/envelope\/$/, 'integration/otlp/v1/traces');
}

export function otlpRequest(target: Target, traces: OtlpJsonTracesRequest, format: OtlpFormat): SdkRequest {
  const body = format === 'otlp-json' ? Buffer.from(JSON.stringify(traces), 'utf8') : toBuffer(encodeOtlpTracesProtobuf(traces));
  return {
    path: otlpTracesPath(target),
    headers: {
      'content-type': CONTENT_TYPES[format],
      'user-agent': USER_AGENT,
      'x-sentry-auth': `sentry sentry_key=${target.publicKey}`,
      'content-length': body.length,
    },
    body,
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
