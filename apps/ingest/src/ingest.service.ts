import { Inject, Injectable } from '@nestjs/common';
import type { DataCategory, EnvConfig, ProjectRegistry, RateLimits } from '@pulse/config';
import { ProducerOverloadedError, TopicNames } from '@pulse/kafka';
import { applyTimeRules, clockDriftMs, emptyRecords, mergeRecords, NormalizedRecords, parseItemJson, RecordKind as ModelRecordKind, StoredItemKind } from '@pulse/model';
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
  /** Response headers (X-Sentry-Rate-Limits); absent when there are none. */
  headers?: Record<string, string>;
}

/** One stored item of the request: its place, kind, quota cost and parsed JSON. */
interface StoredItem {
  index: number;
  kind: StoredItemKind;
  quantity: number;
  json: unknown;
}

const CATEGORY: Record<StoredItemKind, DataCategory> = { event: 'error', transaction: 'transaction', span: 'span', session: 'session', sessions: 'session' };
const KAFKA_RETRY_AFTER_S = '5';
/** Metric label of each record kind, as `accepted` counts them. */
const RECORD_KIND_LABEL: Record<ModelRecordKind, string> = { transactions: 'transaction', spans: 'span', webVitals: 'web_vital', errors: 'error', sessions: 'session' };
const RECORD_KINDS = Object.keys(RECORD_KIND_LABEL) as ModelRecordKind[];
/** The `item N (kind): ` prefix of a dropped item's reason; the detail of a 400 is the reason alone. */
const ITEM_PREFIX = /^item \d+ \(\w+\): /;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/**
 * One request of the envelope or store endpoint: auth → decompress (limits apply to the decoded
 * size) → parse → quotas → normalize each item → time rules → publish, answering only after Kafka
 * acknowledged the records. Items that are invalid, over quota or past the session limit are left
 * out and named in `dropped`; a request none of whose items can be stored is an error.
 *
 * Per request it does only the request's work: the normalization context's functions, the
 * regexes and the quota divisor are built once, quotas are skipped for keys without any, and
 * `dropped` reasons are formatted only for items actually dropped.
 */
@Injectable()
export class IngestService {
  private readonly limiter: RateLimiter;
  private readonly segmentNames = new SegmentNames();
  private readonly transactionNameOf = (spanId: string): string | undefined => this.segmentNames.nameOf(spanId);

  constructor(
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry,
    private readonly publisher: RecordPublisher,
    private readonly topics: TopicNames,
    private readonly metrics: IngestMetrics,
  ) {
    // With N worker processes behind one port each holds its own buckets: each admits 1/N of a
    // key's rate and burst, so the set admits the configured limit (docs/ingest.md, "Quotas").
    this.limiter = new RateLimiter({ divisor: env.ingestWorkers });
  }

  async ingest(request: IngestRequest): Promise<IngestReply> {
    const receivedAtMs = Date.now();
    // A request that names a key is checked before any decompression work is spent on it.
    if (request.auth.ok || !request.auth.missing) authenticate(this.registry, request.projectId, request.auth, undefined);
    const envelope = await this.readRequest(request);
    const publicKey = authenticate(this.registry, request.projectId, request.auth, envelope.header.dsn);

    const dropped: string[] = [];
    const stored = this.storedItems(envelope, dropped);
    const quota = this.takeQuotas(publicKey, stored);

    const ctx = { projectId: request.projectId, receivedAtMs, generateEventId: randomUUID, transactionNameOf: this.transactionNameOf };
    const records = emptyRecords();
    let invalid: string[] | undefined;
    for (const item of stored) {
      if (quota.limitedCategories?.has(CATEGORY[item.kind])) {
        this.countOne(item.kind, 'rate_limited');
        dropped.push(`item ${item.index} (${item.kind}): rate limited`);
        continue;
      }
      const result = normalizeItemSafely(item.kind, item.json, ctx);
      if (!result.ok) {
        this.countOne(item.kind, 'crashed' in result ? 'processing_error' : 'invalid');
        (invalid ??= []).push(`item ${item.index} (${item.kind}): ${result.reason}`);
        continue;
      }
      mergeRecords(records, result.records);
      for (const transaction of result.records.transactions) this.segmentNames.remember(transaction.spanId, transaction.name);
      for (const reason of result.partial) dropped.push(`item ${item.index} (${item.kind}): ${reason}`);
    }
    if (invalid !== undefined) {
      if (invalid.length === stored.length) throw this.badRequest(invalid[0].replace(ITEM_PREFIX, ''), invalid);
      dropped.push(...invalid);
    }

    const timed = applyTimeRules(records, clockDriftMs(envelope.header.sent_at ? Date.parse(envelope.header.sent_at) : undefined, receivedAtMs), receivedAtMs);
    for (const refused of timed.dropped) {
      dropped.push(`${refused.kind}: ${refused.reason}`);
      this.metrics.events.inc({ kind: RECORD_KIND_LABEL[refused.kind], outcome: 'invalid_timestamp' });
    }
    for (const kind of RECORD_KINDS) {
      const clamped = timed.clamped[kind];
      if (clamped > 0) this.metrics.clampedTimestamps.inc({ kind: RECORD_KIND_LABEL[kind] }, clamped);
    }
    await this.publish(timed.records, stored);

    const id = envelope.header.event_id ?? timed.records.transactions[0]?.eventId ?? timed.records.errors[0]?.eventId;
    const body: IngestReply['body'] = {};
    if (id) body.id = id;
    if (dropped.length > 0) body.dropped = dropped;
    return { body, headers: quota.headers };
  }

  /**
   * Charges the key's quotas: the categories refused (their items are dropped) and the
   * X-Sentry-Rate-Limits header naming them; a 429 when every category is refused.
   */
  private takeQuotas(publicKey: string, stored: StoredItem[]): { limitedCategories?: Set<DataCategory>; headers?: Record<string, string> } {
    const limits = this.registry.rateLimitsOfKey(publicKey);
    if (!hasAnyLimit(limits)) return {};
    const demands = stored.map(({ kind, quantity }) => ({ category: CATEGORY[kind], quantity }));
    const { limited, allLimited, retryAfterS } = this.limiter.takeMany(publicKey, demands, limits);
    if (limited.length === 0) return {};
    const headers = { [RATE_LIMITS_HEADER]: formatRateLimits(limited.map((l) => ({ retryAfterS: l.retryAfterS, categories: [l.category], scope: 'key' }))) };
    if (allLimited) {
      for (const item of stored) this.countOne(item.kind, 'rate_limited');
      throw new ApiError(429, 'rate limited', [], { ...headers, 'Retry-After': String(retryAfterS), 'X-Sentry-Error': 'rate limited' });
    }
    return { limitedCategories: new Set(limited.map((l) => l.category)), headers };
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
  private storedItems(envelope: ReadRequest, dropped: string[]): StoredItem[] {
    const stored: StoredItem[] = [];
    let sessions = 0;
    const items = envelope.items;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const kind = itemKind(item.type);
      if (kind === 'dropped' || kind === 'unknown') {
        // Dropped types are a fixed list; an unknown type is client text and must not become a label.
        this.metrics.events.inc({ kind: kind === 'dropped' ? item.type : 'unknown', outcome: kind === 'dropped' ? 'not_stored' : 'unknown_type' });
        continue;
      }
      if ((kind === 'session' || kind === 'sessions') && ++sessions > this.env.ingestMaxSessionsPerEnvelope) {
        this.countOne(kind, 'too_many_sessions');
        dropped.push(`item ${index} (${kind}): more than ${this.env.ingestMaxSessionsPerEnvelope} session items in one envelope`);
        continue;
      }
      // The store endpoint's event arrives parsed (and depth-checked); envelope items are read here.
      const read = item.json !== undefined ? { ok: true as const, json: item.json, quantity: 1 } : readStoredItem(kind, item.payload, item.itemCount);
      if (!read.ok) {
        this.countOne(kind, read.outcome);
        dropped.push(`item ${index} (${kind}): ${read.reason}`);
        continue;
      }
      stored.push({ index, kind, quantity: read.quantity, json: read.json });
    }
    if (stored.length === 0 && dropped.length > 0) throw this.badRequest(dropped[0].replace(ITEM_PREFIX, ''), dropped);
    return stored;
  }

  private async publish(records: NormalizedRecords, stored: StoredItem[]): Promise<void> {
    const messages = encodeRecords(records, this.topics);
    if (messages.length === 0) return;
    try {
      await this.publisher.publish(messages);
    } catch (error) {
      const outcome = error instanceof ProducerOverloadedError ? 'overloaded' : 'failed';
      for (const item of stored) this.countOne(item.kind, outcome);
      throw new ApiError(503, 'events could not be handed to Kafka; retry later', [], { 'Retry-After': KAFKA_RETRY_AFTER_S, 'X-Sentry-Error': 'unavailable' });
    }
    // Kinds the request has none of are not touched: each inc hashes its labels.
    for (const kind of RECORD_KINDS) {
      const count = records[kind].length;
      if (count > 0) this.metrics.events.inc({ kind: RECORD_KIND_LABEL[kind], outcome: 'accepted' }, count);
    }
  }

  private countOne(kind: StoredItemKind, outcome: string): void {
    this.metrics.events.inc({ kind, outcome });
  }

  private badRequest(detail: string, causes: string[] = []): ApiError {
    return this.error(400, detail, causes);
  }

  private error(status: number, detail: string, causes: string[] = []): ApiError {
    // Details can quote client bytes; a header may only carry printable ASCII.
    return new ApiError(status, detail, causes, { 'X-Sentry-Error': detail.slice(0, 200).replace(NOT_PRINTABLE_ASCII, '?') });
  }
}

/** Whether a key has any quota (most have none: their requests skip the limiter). */
function hasAnyLimit(limits: RateLimits): boolean {
  for (const category in limits) if (limits[category as DataCategory] !== undefined) return true;
  return false;
}
