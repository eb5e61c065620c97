import { RecordKind } from '@pulse/model';

/**
 * The least work a server must do with an envelope to hand its items to Kafka, for the ingest
 * benchmark's baseline: split the lines, JSON.parse the envelope header, each item header and each
 * stored item's payload (to know it is JSON), and pick the topic by item type. No validation of
 * fields, no normalization, no records: each stored item goes to Kafka as the bytes it came in.
 */

/** Item types Pulse stores, and the topic each goes to (`span` batches to spans, both session kinds to sessions). */
export const TOPIC_KIND_OF_ITEM: Readonly<Record<string, RecordKind>> = {
  event: RecordKind.Error,
  transaction: RecordKind.Transaction,
  span: RecordKind.Span,
  session: RecordKind.Session,
  sessions: RecordKind.Session,
};

export interface MinimalItem {
  type: string;
  kind: RecordKind;
  /** The payload bytes as sent (a view of the body). */
  payload: Buffer;
}

export interface MinimalEnvelope {
  header: Record<string, unknown>;
  /** Stored items only, in order. */
  items: MinimalItem[];
  /** Items of other types (client reports, attachments…), skipped. */
  skipped: number;
}

export class MinimalEnvelopeError extends Error {}

const NEWLINE = 10;

/** Parses an uncompressed envelope body; throws MinimalEnvelopeError when it is not one. */
export function parseMinimalEnvelope(body: Buffer): MinimalEnvelope {
  let end = lineEnd(body, 0);
  const header = jsonObject(body, 0, end, 'envelope header');
  const items: MinimalItem[] = [];
  let skipped = 0;
  for (let pos = end + 1; pos < body.length; ) {
    end = lineEnd(body, pos);
    if (end === pos) {
      // A blank line (the optional trailing newline).
      pos++;
      continue;
    }
    const itemHeader = jsonObject(body, pos, end, `item ${items.length + skipped} header`);
    const type = itemHeader.type;
    if (typeof type !== 'string') throw new MinimalEnvelopeError(`item ${items.length + skipped}: no type`);
    const start = end + 1;
    const length = itemHeader.length;
    const payloadEnd = typeof length === 'number' ? start + length : lineEnd(body, start);
    if (payloadEnd > body.length) throw new MinimalEnvelopeError(`item ${items.length + skipped}: length runs past the body`);
    const kind = TOPIC_KIND_OF_ITEM[type];
    if (kind === undefined) skipped++;
    else {
      jsonObject(body, start, payloadEnd, `item ${items.length + skipped} (${type}) payload`);
      items.push({ type, kind, payload: body.subarray(start, payloadEnd) });
    }
    pos = payloadEnd + 1;
  }
  return { header, items, skipped };
}

/** The project id of `/api/:projectId/envelope/` and the `sentry_key` of the query string. */
export function readTarget(projectIdParam: string | undefined, query: unknown): { projectId: number; key: string } | undefined {
  const projectId = Number(projectIdParam);
  const key = (query as Record<string, unknown> | undefined)?.sentry_key;
  if (!Number.isInteger(projectId) || projectId <= 0 || typeof key !== 'string' || key === '') return undefined;
  return { projectId, key };
}

function lineEnd(body: Buffer, from: number): number {
  const at = body.indexOf(NEWLINE, from);
  return at === -1 ? body.length : at;
}

function jsonObject(body: Buffer, start: number, end: number, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8', start, end));
  } catch (error) {
    throw new MinimalEnvelopeError(`${what} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MinimalEnvelopeError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
