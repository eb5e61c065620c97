import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ClickHouseException } from './clickhouse-error';
import { parseMultipart } from './multipart';

/** A request header's (first) value. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `query` and `param_*` fields of a multipart body; other parts would be external tables. */
export function formFields(body: Buffer, boundary: string): Array<[string, string]> {
  let parts;
  try {
    parts = parseMultipart(body, boundary);
  } catch (err) {
    throw ClickHouseException.of('BAD_ARGUMENTS', `Cannot parse multipart/form-data body: ${(err as Error).message}`);
  }
  return parts.map((part): [string, string] => {
    if (part.filename !== undefined || (part.name !== 'query' && !part.name.startsWith('param_'))) {
      throw ClickHouseException.of('NOT_IMPLEMENTED', `External tables are not supported by this server (multipart part '${part.name}')`);
    }
    return [part.name, part.data.toString('utf8')];
  });
}

/**
 * The request body, decompressed per Content-Encoding and capped at `limit` bytes (after
 * decompression, so a gzip bomb is stopped too). Event-based rather than async iteration: leaving
 * an iterator early destroys the socket, and the error reply still has to reach the client. For
 * the same reason a refused body is read to its end and dropped (up to 2 x limit): a client that
 * is still sending when the connection closes sees EPIPE instead of the 413.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): ClickHouseException =>
    ClickHouseException.of('QUERY_IS_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes (CH_MAX_BODY_BYTES)`);
  const encoding = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let received = 0;
    let failure: unknown;
    let decoder: Transform | undefined;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      if (failure === undefined) resolveBody(Buffer.concat(chunks, size));
      else reject(failure);
    };
    const fail = (err: unknown): void => {
      if (failure !== undefined) return;
      failure = err;
      chunks.length = 0;
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
        decoder = undefined;
      }
      req.resume();
      if (req.complete) settle();
    };
    const keep = (chunk: Buffer): void => {
      if (failure !== undefined) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else chunks.push(chunk);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (failure !== undefined && received > 2 * limit) settle(); // stop draining; the reply closes the connection
    });
    req.once('end', () => {
      if (failure !== undefined || !decoder) settle(); // else the decoder's 'end' follows
    });
    req.once('error', (err) => {
      failure ??= err;
      settle();
    });
    req.once('aborted', () => {
      failure ??= new Error('client closed the connection while sending the body');
      settle();
    });

    if ((encoding === '' || encoding === 'identity') && Number(header(req, 'content-length')) > limit) fail(tooLarge());
    try {
      decoder = failure === undefined ? createDecoder(encoding) : undefined;
    } catch (err) {
      fail(err);
    }
    if (decoder) {
      decoder.on('data', keep);
      decoder.once('end', settle);
      decoder.once('error', (err: Error) => fail(decompressionError(encoding, err)));
      req.pipe(decoder);
    } else {
      req.on('data', keep);
    }
  });
}

function createDecoder(encoding: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `Request body compression 'zstd' is not supported by this server: Node.js ${process.version} has no zstd in zlib (added in 22.15). Use gzip, deflate or br`,
      );
    default:
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `Unknown compression method '${encoding}'. Only 'gzip', 'deflate' and 'br' are supported for request bodies by this server`,
      );
  }
}

function decompressionError(encoding: string, err: Error): ClickHouseException {
  const name = encoding === 'br' ? 'BROTLI_READ_FAILED' : 'ZLIB_INFLATE_FAILED';
  return ClickHouseException.of(name, `Cannot decompress the ${encoding} request body: ${err.message}`);
}
