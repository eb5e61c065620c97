import { Inject, Injectable } from '@nestjs/common';
import type { IngestConfig, ProjectRegistry } from '@pulse/config';
import { TopicNames } from '@pulse/kafka';
import type { ClientReportEnvelope, NormalizedRecords } from '@pulse/model';
import type { EnvelopeHeader, PublicKeyResult } from '@pulse/protocol';
import { randomUUID } from 'node:crypto';
import { admit, describeDrop, Drop, Refusal } from './drop-reasons';
import { IngestMetrics } from './ingest.metrics';
import { INGEST_CONFIG, PROJECT_REGISTRY } from './ingest.tokens';
import { RateLimiter } from './rate-limiter';
import { RecordPublisher } from './record.publisher';
import { SegmentNames } from './segment-names';
import { authenticate } from './steps/authenticate.step';
import { decodeRequestBody } from './steps/decode.step';
import { frameRequest, isEnvelopeRequest } from './steps/frame.step';
import { takeQuotas } from './steps/limit.step';
import { applyRecordTimeRules, normalizeItems } from './steps/normalize.step';
import { produce } from './steps/produce.step';
import { readItems } from './steps/read-items.step';

export interface IngestRequest {
  projectId: number;
  endpoint: 'envelope' | 'store';
  body: Buffer | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  auth: PublicKeyResult;
}

export interface IngestReply {
  body: { id?: string; dropped?: string[] };
  /** Response headers (X-Sentry-Rate-Limits); absent when there are none. */
  headers?: Record<string, string>;
}

/**
 * One request of the envelope or store endpoint, as named steps (./steps), each returning its
 * result or a typed reason (drop-reasons.ts, the one place a reason becomes a metric label and
 * an answer):
 *
 * 1. authenticate: a request that names a key is checked before any decompression work is spent
 *    on it (authenticate.step.ts);
 * 2. decode: Content-Encoding undone, the decoded size bounded (decode.step.ts);
 * 3. frame: the envelope split, or the store body checked and parsed (frame.step.ts); then the
 *    key is authenticated again with the envelope header's `dsn` (tunnel mode);
 * 4. items: each item's kind, the session bound, its depth, JSON and span count (read-items.step.ts);
 * 5. limit: the key's quotas charged (limit.step.ts), after the items because a span batch costs
 *    the spans counted in it;
 * 6. normalize each item within quota, then the time rules on its records (normalize.step.ts);
 * 7. produce: encode and publish, answering only after Kafka acknowledged (produce.step.ts).
 *
 * Items that are invalid, over quota or past the session limit are left out and named in
 * `dropped`; a request none of whose items can be stored is refused. Per request it does only
 * the request's work: the normalization context's functions and the quota divisor are built
 * once, quotas are skipped for keys without any, and drops are worded only when there are some.
 */
@Injectable()
export class IngestService {
  private readonly transactionNameOf: (spanId: string) => string | undefined;

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry,
    private readonly limiter: RateLimiter,
    private readonly segmentNames: SegmentNames,
    private readonly publisher: RecordPublisher,
    private readonly topics: TopicNames,
    private readonly metrics: IngestMetrics,
  ) {
    this.transactionNameOf = (spanId) => segmentNames.nameOf(spanId);
  }

  async ingest(request: IngestRequest): Promise<IngestReply> {
    const receivedAtMs = Date.now();
    const { projectId, auth } = request;
    if (auth.ok || !auth.missing) this.admit(authenticate(this.registry, projectId, auth, undefined));
    const body = this.admit(await decodeRequestBody(request.body, request.contentEncoding, this.config.ingestMaxEnvelopeBytes));
    const framed = this.admit(frameRequest(body, isEnvelopeRequest(request.endpoint, request.contentType), this.config.ingestMaxEventBytes));
    const publicKey = this.admit(authenticate(this.registry, projectId, auth, framed.header.dsn));
    const drops: Drop[] = [];
    const stored = this.admit(readItems(framed.items, this.config.ingestMaxSessionsPerEnvelope, drops, this.metrics));
    const quota = this.admit(takeQuotas(this.limiter, publicKey, this.registry.rateLimitsOfKey(publicKey), stored));
    const ctx = { projectId, receivedAtMs, generateEventId: randomUUID, transactionNameOf: this.transactionNameOf, envelope: clientReportEnvelope(framed.header) };
    const normalized = this.admit(normalizeItems(stored, quota.limited, ctx, this.segmentNames, drops, this.metrics));
    const records = applyRecordTimeRules(normalized, framed.header.sent_at, receivedAtMs, drops, this.metrics);
    this.admit(await produce(this.publisher, this.topics, records, stored, this.metrics));
    return reply(framed.header, records, drops, quota.headers);
  }

  private admit<T>(outcome: T | Refusal): T {
    return admit(this.metrics, outcome);
  }
}

/** What a client report takes from the envelope header (`trace` and `sdk` values stay as sent: only strings are read). */
function clientReportEnvelope(header: EnvelopeHeader): ClientReportEnvelope {
  return { release: text(header.trace?.release), environment: text(header.trace?.environment), sdkName: text(header.sdk?.name), sdkVersion: text(header.sdk?.version) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** 200: the event id (the envelope's, else the first transaction's or error's) and what was left out. */
function reply(header: EnvelopeHeader, records: NormalizedRecords, drops: readonly Drop[], headers: Record<string, string> | undefined): IngestReply {
  const id = header.event_id ?? records.transactions[0]?.eventId ?? records.errors[0]?.eventId;
  const body: IngestReply['body'] = {};
  if (id) body.id = id;
  if (drops.length > 0) body.dropped = drops.map(describeDrop);
  return { body, headers };
}
