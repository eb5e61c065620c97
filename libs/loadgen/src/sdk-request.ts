import type { OutgoingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { SHOP_ORIGIN } from './catalog/pages';
import { BuiltEnvelope, SDK_NAMES } from './envelope';
import type { Target } from './targets';

/** @sentry/node gzips bodies over 32 KiB; smaller ones, and every browser body, go uncompressed. */
export const NODE_GZIP_THRESHOLD_BYTES = 32 * 1024;

/** Path, headers and body of one envelope's POST, as the SDK that sends it would write them. */
export interface SdkRequest {
  path: string;
  headers: OutgoingHttpHeaders;
  /** Text when uncompressed: node:http then writes headers and body in one write, not two (writev). */
  body: string | Buffer;
}

/**
 * The request the JS SDKs make for an envelope (test/fixtures/recorded/README.md, "Transport"):
 * auth in the query string (`sentry_version`, `sentry_key`, `sentry_client`), never a header.
 * Browser envelopes carry `Content-Type: text/plain;charset=UTF-8`, the page's `Origin` and the
 * browser's User-Agent; Node envelopes no Content-Type, the SDK's User-Agent, and gzip above 32 KiB.
 * The body goes with a Content-Length (the Node SDK streams it chunked; servers read both alike).
 * Exported so a benchmark that prepares requests ahead of time sends exactly what the transport would.
 */
export function sdkRequest(target: Target, envelope: BuiltEnvelope): SdkRequest {
  const client = `${SDK_NAMES[envelope.client]}/${envelope.sdkVersion}`;
  const path = `${target.envelopePath}?sentry_version=7&sentry_key=${encodeURIComponent(target.publicKey)}&sentry_client=${encodeURIComponent(client)}`;
  let body: string | Buffer = envelope.body;
  const headers: OutgoingHttpHeaders = { 'user-agent': envelope.userAgent };
  const bytes = Buffer.byteLength(envelope.body, 'utf8');
  if (envelope.client === 'browser') {
    headers['content-type'] = 'text/plain;charset=UTF-8';
    headers.origin = SHOP_ORIGIN;
  } else if (bytes > NODE_GZIP_THRESHOLD_BYTES) {
    body = gzipSync(envelope.body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = typeof body === 'string' ? bytes : body.length;
  return { path, headers, body };
}
