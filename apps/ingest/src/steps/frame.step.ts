import { parseItemJson } from '@pulse/model';
import { EnvelopeHeader, exceedsJsonDepth, parseEnvelope } from '@pulse/protocol';
import { Refusal, STORE_EVENT } from '../drop-reasons';

/** An item of the request: from an envelope, or the store endpoint's one event (parsed already). */
export interface RequestItem {
  type: string;
  itemCount: number | undefined;
  payload: Buffer;
  json?: unknown;
}

export interface FramedRequest {
  header: EnvelopeHeader;
  items: RequestItem[];
}

/** Items per envelope, at most (Relay's bound). */
const MAX_ENVELOPE_ITEMS = 1000;
const ENVELOPE_CONTENT_TYPE = 'application/x-sentry-envelope';

/** The envelope endpoint always takes an envelope; the store endpoint does when its content type says so. */
export function isEnvelopeRequest(endpoint: 'envelope' | 'store', contentType: string | undefined): boolean {
  return endpoint === 'envelope' || (contentType ?? '').startsWith(ENVELOPE_CONTENT_TYPE);
}

/**
 * frame: the decoded body → its header and items. An envelope is split by @pulse/protocol (every
 * stored item at most `maxEventBytes`); the legacy store body is one JSON event — a transaction
 * when its `type` says so, an error otherwise — checked for size and depth before it is parsed,
 * and framed as a one-item request that carries its JSON, so it is not parsed again.
 */
export function frameRequest(body: Buffer, isEnvelope: boolean, maxEventBytes: number): FramedRequest | Refusal {
  if (!isEnvelope) return frameStoreEvent(body, maxEventBytes);
  const parsed = parseEnvelope(body, { maxItems: MAX_ENVELOPE_ITEMS, maxItemBytes: maxEventBytes });
  if (!parsed.ok) return { refusal: 'bad_envelope', error: parsed.error };
  const items = parsed.envelope.items.map((item) => ({ type: item.type, itemCount: item.header.item_count, payload: item.payload }));
  return { header: parsed.envelope.header, items };
}

function frameStoreEvent(body: Buffer, maxEventBytes: number): FramedRequest | Refusal {
  if (body.length > maxEventBytes) return { refusal: 'event_too_large', maxBytes: maxEventBytes };
  if (exceedsJsonDepth(body)) return { refusal: 'event_too_deep', items: STORE_EVENT };
  const parsed = parseItemJson(body);
  if (!parsed.ok) return { refusal: 'event_invalid_json', reason: parsed.reason };
  const type = (parsed.json as { type?: unknown } | null)?.type === 'transaction' ? 'transaction' : 'event';
  return { header: { other: {} }, items: [{ type, itemCount: undefined, payload: body, json: parsed.json }] };
}
