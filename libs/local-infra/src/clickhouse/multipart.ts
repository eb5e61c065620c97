/**
 * multipart/form-data bodies. @clickhouse/client sends the query and its `param_*` values this way
 * when they would make the URL too long (`use_multipart_params`); a real server also reads
 * external tables from such bodies, which this server does not support (the caller refuses parts
 * that are neither).
 */
export interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Splits a complete body into its parts; throws on a malformed body. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart body has no boundary delimiter');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing `--boundary--`
    pos = skipLineBreak(body, pos);
    const headersEnd = body.indexOf('\r\n\r\n', pos);
    if (headersEnd < 0) throw new Error('multipart part without a header terminator');
    const headers = body.subarray(pos, headersEnd).toString('utf8');
    const dataStart = headersEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), dataStart);
    if (next < 0) throw new Error('multipart body is not terminated');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers);
    if (!disposition) throw new Error('multipart part without Content-Disposition: form-data');
    const name = /;\s*name="([^"]*)"/i.exec(disposition[1])?.[1];
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition[1])?.[1];
    parts.push({ name, filename, data: body.subarray(dataStart, next) });
    pos = next + 2;
  }
}

function skipLineBreak(body: Buffer, pos: number): number {
  if (body[pos] === 0x0d && body[pos + 1] === 0x0a) return pos + 2;
  if (body[pos] === 0x0a) return pos + 1;
  return pos;
}
