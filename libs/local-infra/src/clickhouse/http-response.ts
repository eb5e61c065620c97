import type { ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** A plain-text reply (health checks, non-ClickHouse errors); no body for HEAD. */
export function sendText(res: ServerResponse, method: string, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(method === 'HEAD' ? undefined : text);
}

export type ResponseEncoding = 'br' | 'gzip' | 'deflate';

/**
 * Like the server's choice from Accept-Encoding (a substring match, best codec first), limited to
 * what Node's zlib has; a client asking only for zstd/lz4/xz gets an uncompressed body.
 */
export function chooseResponseEncoding(acceptEncoding: string | undefined): ResponseEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = acceptEncoding.toLowerCase();
  return (['br', 'gzip', 'deflate'] as const).find((codec) => accepted.includes(codec));
}

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotli = promisify(zlib.brotliCompress);

export function compress(body: Buffer, encoding: ResponseEncoding, level: number): Promise<Buffer> {
  const lvl = Number.isInteger(level) ? Math.min(9, Math.max(1, level)) : 3;
  if (encoding === 'gzip') return gzip(body, { level: lvl });
  if (encoding === 'deflate') return deflate(body, { level: lvl });
  return brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: lvl } });
}

const BINARY_FORMATS = new Set([
  'native',
  'rowbinary',
  'rowbinarywithnames',
  'rowbinarywithnamesandtypes',
  'rowbinarywithdefaults',
  'parquet',
  'arrow',
  'arrowstream',
  'orc',
  'avro',
  'protobuf',
  'protobufsingle',
  'protobuflist',
  'capnproto',
  'msgpack',
  'bsoneachrow',
  'npy',
]);

/** Content-Type of a response in `format` (names are case-insensitive, as in ClickHouse). */
export function contentTypeFor(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('json') || f === 'ndjson' || f === 'prettyjsoneachrow') return 'application/json; charset=UTF-8';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f === 'csv') return 'text/csv; charset=UTF-8; header=absent';
  if (f.startsWith('csvwithnames')) return 'text/csv; charset=UTF-8; header=present';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  if (BINARY_FORMATS.has(f)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
