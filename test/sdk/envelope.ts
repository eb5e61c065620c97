// A small, lenient envelope reader for tests and for summarising recordings. It follows the
// framing rules (item `length` in bytes when present, else up to the next newline) and parses
// JSON payloads when it can. It is a test helper, not Pulse's parser.

export interface EnvelopeItem {
  header: Record<string, unknown> & { type?: string; length?: number; content_type?: string };
  payload: Buffer;
  /** The payload parsed as JSON, when it is JSON. */
  json?: unknown;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

function readLine(body: Buffer, offset: number): { line: Buffer; next: number } {
  const end = body.indexOf(0x0a, offset);
  if (end === -1) return { line: body.subarray(offset), next: body.length };
  return { line: body.subarray(offset, end), next: end + 1 };
}

function tryJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function parseEnvelope(body: Buffer): Envelope {
  let { line, next } = readLine(body, 0);
  const header = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  let offset = next;
  while (offset < body.length) {
    ({ line, next } = readLine(body, offset));
    offset = next;
    if (line.length === 0) continue; // blank line between items or a trailing newline
    const itemHeader = JSON.parse(line.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset += 1;
    } else {
      ({ line: payload, next: offset } = readLine(body, offset));
    }
    const json = tryJson(payload);
    items.push({ header: itemHeader, payload, ...(json !== undefined && { json }) });
  }
  return { header, items };
}
