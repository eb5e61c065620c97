import { Inject, Injectable } from '@nestjs/common';
import type { DataCategory, EnvConfig, ProjectRegistry } from '@pulse/config';
import { ProducerOverloadedError, TopicNames } from '@pulse/kafka';
import { applyTimeRules, clockDriftMs, emptyRecords, mergeRecords, parseItemJson, RecordKindName, StoredItemKind } from '@pulse/model';
import { ApiError } from '@pulse/platform';
import {
  decodeBody,
  DECODE_ERROR_STATUS,
  ENVELOPE_ERROR_STATUS,
  EnvelopeHeader,
  exceedsJsonDepth,
  formatRateLimits,
  itemKind,
  parseEnvelope,
  PublicKeyResult,
  RATE_LIMITS_HEADER,
  tooDeepReason,
} from '@pulse/protocol';
import { randomUUID } from 'node:crypto';
import { authenticate } from './ingest-auth';
import { IngestMetrics } from './ingest.metrics';
import { ENV_CONFIG, PROJECT_REGISTRY } from './ingest.tokens';
import { RateLimiter } from './rate-limiter';
import { SegmentNames } from './segment-names';
import { encodeRecords } from './records.encoder';
import { RecordPublisher } from './record.publisher';
import { normalizeItemSafely, readStoredItem } from './stored-item';

export interface IngestRequest {
  projectId: number;
  endpoint: 'envelope' | 'store';
  body: Buffer | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  auth: PublicKeyResult;
}

/** An item read from the request: from an envelope, or the store endpoint's one event (already parsed). */
interface RequestItem {
  type: string;
  itemCount: number | undefined;
  payload: Buffer;
  json?: unknown;
}

interface ReadRequest {
  header: EnvelopeHeader;
  items: RequestItem[];
}

export interface IngestReply {
  body: { id?: string; dropped?: string[] };
  headers: Record<string, string>;
}

const CATEGORY: Record<StoredItemKind, DataCategory> = { event: 'error', transaction: 'transaction', span: 'span', session: 'session', sessions: 'session' };
const KAFKA_RETRY_AFTER_S = '5';
/** Metric label of each record kind, as `accepted` counts them. */
const RECORD_KIND_LABEL: Record<RecordKindName, string> = { transactions: 'transaction', spans: 'span', webVitals: 'web_vital', errors: 'error', sessions: 'session' };

/**
 * One request of the envelope or store endpoint: auth → decompress (limits apply to the decoded
 * size) → parse → quotas → normalize each item → time rules → publish, answering only after Kafka
 * acknowledged the records. Items that are invalid, over quota or past the session limit are left
 * out and named in `dropped`; a request none of whose items can be stored is an error.
 */
@Injectable()
export class IngestService {
  private readonly limiter = new RateLimiter();
  private readonly segmentNames = new SegmentNames();

  constructor(
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry,
    private readonly publisher: RecordPublisher,
    private readonly topics: TopicNames,
    private readonly metrics: IngestMetrics,
  ) {}

  async ingest(request: IngestRequest): Promise<IngestReply> {
    const receivedAtMs = Date.now();
    // A request that names a key is checked before any decompression work is spent on it.
    if (request.auth.ok || !request.auth.missing) authenticate(this.registry, request.projectId, request.auth, undefined);
    const envelope = await this.readRequest(request);
    const publicKey = authenticate(this.registry, request.projectId, request.auth, envelope.header.dsn);

    const dropped: string[] = [];
    const stored = this.storedItems(envelope, dropped);
    const { limited, allLimited, retryAfterS } = this.limiter.takeMany(
      publicKey,
      stored.map(({ kind, quantity }) => ({ category: CATEGORY[kind], quantity })),
      this.registry.rateLimitsOfKey(publicKey),
    );
    const headers: Record<string, string> = {};
    if (limited.length > 0) {
      headers[RATE_LIMITS_HEADER] = formatRateLimits(limited.map((l) => ({ retryAfterS: l.retryAfterS, categories: [l.category], scope: 'key' })));
      if (allLimited) {
        this.count(stored.map((s) => s.kind), 'rate_limited');
        throw new ApiError(429, 'rate limited', [], { ...headers, 'Retry-After': String(retryAfterS), 'X-Sentry-Error': 'rate limited' });
      }
    }
    const limitedCategories = new Set(limited.map((l) => l.category));

    const ctx = {
      projectId: request.projectId,
      receivedAtMs,
      generateEventId: () => randomUUID(),
      transactionNameOf: (spanId: string) => this.segmentNames.nameOf(spanId),
    };
    let records = emptyRecords();
    const invalid: string[] = [];
    for (const item of stored) {
      if (limitedCategories.has(CATEGORY[item.kind])) {
        this.count([item.kind], 'rate_limited');
        dropped.push(`item ${item.index} (${item.kind}): rate limited`);
        continue;
      }
      const result = normalizeItemSafely(item.kind, item.json, ctx);
      if (!result.ok) {
        this.count([item.kind], 'crashed' in result ? 'processing_error' : 'invalid');
        invalid.push(`item ${item.index} (${item.kind}): ${result.reason}`);
        continue;
      }
      records = mergeRecords(records, result.records);
      for (const transaction of result.records.transactions) this.segmentNames.remember(transaction.spanId, transaction.name);
      dropped.push(...result.partial.map((reason) => `item ${item.index} (${item.kind}): ${reason}`));
    }
    if (invalid.length > 0 && invalid.length === stored.length) throw this.badRequest(invalid[0].replace(/^item \d+ \(\w+\): /, ''), invalid);
    dropped.push(...invalid);

    const timed = applyTimeRules(records, clockDriftMs(envelope.header.sent_at ? Date.parse(envelope.header.sent_at) : undefined, receivedAtMs), receivedAtMs);
    dropped.push(...timed.dropped.map((d) => `${d.kind}: ${d.reason}`));
    for (const refused of timed.dropped) this.metrics.events.inc({ kind: RECORD_KIND_LABEL[refused.kind], outcome: 'invalid_timestamp' });
    for (const [kind, count] of Object.entries(timed.clamped)) this.metrics.clampedTimestamps.inc({ kind: RECORD_KIND_LABEL[kind as RecordKindName] }, count);
    await this.publish(timed.records, stored.map((s) => s.kind));

    const id = envelope.header.event_id ?? timed.records.transactions[0]?.eventId ?? timed.records.errors[0]?.eventId;
    return { body: { ...(id && { id }), ...(dropped.length > 0 && { dropped }) }, headers };
  }

  private async readRequest(request: IngestRequest): Promise<ReadRequest> {
    if (!request.body || request.body.length === 0) throw this.badRequest('empty request body');
    const decoded = await decodeBody(request.body, request.contentEncoding, this.env.ingestMaxEnvelopeBytes);
    if (!decoded.ok) throw this.error(DECODE_ERROR_STATUS[decoded.error.code], decoded.error.detail);
    const isEnvelope = request.endpoint === 'envelope' || (request.contentType ?? '').startsWith('application/x-sentry-envelope');
    if (!isEnvelope) return this.readStoreEvent(decoded.body);
    const parsed = parseEnvelope(decoded.body, { maxItems: 1000, maxItemBytes: this.env.ingestMaxEventBytes });
    if (!parsed.ok) throw this.error(ENVELOPE_ERROR_STATUS[parsed.error.code], parsed.error.detail);
    const items = parsed.envelope.items.map((item) => ({ type: item.type, itemCount: item.header.item_count, payload: item.payload }));
    return { header: parsed.envelope.header, items };
  }

  /** The legacy store endpoint: one JSON event, a transaction or an error, as a one-item request. */
  private readStoreEvent(body: Buffer): ReadRequest {
    if (body.length > this.env.ingestMaxEventBytes) throw this.error(413, `event is larger than ${this.env.ingestMaxEventBytes} bytes`);
    if (exceedsJsonDepth(body)) {
      this.metrics.events.inc({ kind: 'event', outcome: 'too_deep' });
      throw this.badRequest(`invalid event: ${tooDeepReason()}`);
    }
    const parsed = parseItemJson(body);
    if (!parsed.ok) throw this.badRequest(`invalid event: ${parsed.reason}`);
    const type = (parsed.json as { type?: unknown } | null)?.type === 'transaction' ? 'transaction' : 'event';
    return { header: { other: {} }, items: [{ type, itemCount: undefined, payload: body, json: parsed.json }] };
  }

  /** The items Pulse stores, parsed, with their quota cost; the rest is counted and skipped. */
  private storedItems(envelope: ReadRequest, dropped: string[]): Array<{ index: number; kind: StoredItemKind; quantity: number; json: unknown }> {
    const stored: Array<{ index: number; kind: StoredItemKind; quantity: number; json: unknown }> = [];
    let sessions = 0;
    envelope.items.forEach((item, index) => {
      const kind = itemKind(item.type);
      if (kind === 'dropped' || kind === 'unknown') {
        // Dropped types are a fixed list; an unknown type is client text and must not become a label.
        this.metrics.events.inc({ kind: kind === 'dropped' ? item.type : 'unknown', outcome: kind === 'dropped' ? 'not_stored' : 'unknown_type' });
        return;
      }
      if ((kind === 'session' || kind === 'sessions') && ++sessions > this.env.ingestMaxSessionsPerEnvelope) {
        this.count([kind], 'too_many_sessions');
        dropped.push(`item ${index} (${kind}): more than ${this.env.ingestMaxSessionsPerEnvelope} session items in one envelope`);
        return;
      }
      // The store endpoint's event arrives parsed (and depth-checked); envelope items are read here.
      const read = item.json !== undefined ? { ok: true as const, json: item.json, quantity: 1 } : readStoredItem(kind, item.payload, item.itemCount);
      if (!read.ok) {
        this.count([kind], read.outcome);
        dropped.push(`item ${index} (${kind}): ${read.reason}`);
        return;
      }
      stored.push({ index, kind, quantity: read.quantity, json: read.json });
    });
    if (stored.length === 0 && dropped.length > 0) throw this.badRequest(dropped[0].replace(/^item \d+ \(\w+\): /, ''), dropped);
    return stored;
  }

  private async publish(records: ReturnType<typeof emptyRecords>, kinds: StoredItemKind[]): Promise<void> {
    const messages = encodeRecords(records, this.topics);
    if (messages.length === 0) return;
    try {
      await this.publisher.publish(messages);
    } catch (error) {
      this.count(kinds, error instanceof ProducerOverloadedError ? 'overloaded' : 'failed');
      throw new ApiError(503, 'events could not be handed to Kafka; retry later', [], { 'Retry-After': KAFKA_RETRY_AFTER_S, 'X-Sentry-Error': 'unavailable' });
    }
    this.metrics.events.inc({ kind: 'transaction', outcome: 'accepted' }, records.transactions.length);
    this.metrics.events.inc({ kind: 'span', outcome: 'accepted' }, records.spans.length);
    this.metrics.events.inc({ kind: 'web_vital', outcome: 'accepted' }, records.webVitals.length);
    this.metrics.events.inc({ kind: 'error', outcome: 'accepted' }, records.errors.length);
    this.metrics.events.inc({ kind: 'session', outcome: 'accepted' }, records.sessions.length);
  }

  private count(kinds: StoredItemKind[], outcome: string): void {
    for (const kind of kinds) this.metrics.events.inc({ kind, outcome });
  }

  private badRequest(detail: string, causes: string[] = []): ApiError {
    return this.error(400, detail, causes);
  }

  private error(status: number, detail: string, causes: string[] = []): ApiError {
    // Details can quote client bytes; a header may only carry printable ASCII.
    return new ApiError(status, detail, causes, { 'X-Sentry-Error': detail.slice(0, 200).replace(/[^\x20-\x7e]/g, '?') });
  }
}
