import { Inject, Injectable } from '@nestjs/common';
import type { IngestConfig, ProjectRegistry } from '@pulse/config';
import { TopicNames } from '@pulse/kafka';
import { EventJsonBudget, normalizeOtlpTraces, OtlpTracesResult, SpanBatchContext } from '@pulse/model';
import { decodeOtlpTraces, OtlpEncoding, otlpEncodingOf, OtlpTracesRequest, PublicKeyResult } from '@pulse/protocol';
import { randomUUID } from 'node:crypto';
import { admit, Drop, dropText, refuse, Refusal } from '../drop-reasons';
import { IngestMetrics } from '../ingest.metrics';
import { INGEST_CONFIG, PROJECT_REGISTRY } from '../ingest.tokens';
import { RateLimiter } from '../rate-limiter';
import { RecordPublisher } from '../record.publisher';
import { SegmentNames } from '../segment-names';
import { authenticate } from '../steps/authenticate.step';
import { decodeRequestBody } from '../steps/decode.step';
import { takeQuotas } from '../steps/limit.step';
import { applyRecordTimeRules } from '../steps/normalize.step';
import { produce } from '../steps/produce.step';
import type { StoredItem } from '../steps/read-items.step';

export interface OtlpTracesRequestIn {
  projectId: number;
  body: Buffer | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  auth: PublicKeyResult;
}

/** A 200 of an OTLP export: the spans refused, for the response's `partial_success`. */
export interface OtlpTracesReply {
  encoding: OtlpEncoding;
  rejectedSpans: number;
  /** Empty when nothing was refused; else the first reasons, worded for `error_message`. */
  errorMessage: string;
}

/** Reasons quoted in `error_message`, at most; the count says how many more there were. */
const QUOTED_REASONS = 5;

/**
 * One OTLP/HTTP trace export (`POST /api/:projectId/integration/otlp/v1/traces`), through the same
 * named steps as an envelope where they apply (../steps), so the key, the body bounds, the quotas,
 * the time rules and Kafka behave exactly as for Sentry data:
 *
 * 1. authenticate: the DSN key of `x-sentry-auth` (or the query), before any decompression;
 * 2. the encoding from the content type (protobuf or OTLP/JSON; else 415);
 * 3. decode: Content-Encoding (gzip…) undone within INGEST_MAX_ENVELOPE_BYTES;
 * 4. read: the ExportTraceServiceRequest decoded (@pulse/protocol otlp/), at most
 *    INGEST_MAX_OTLP_SPANS spans;
 * 5. limit: the key's `span` quota charged with the request's spans (as a span-v2 item of as many);
 * 6. normalize: spans → transactions and spans, exception events → errors (@pulse/model otlp/,
 *    docs/otlp.md); a span that cannot be stored is refused alone and reported;
 * 7. the time rules, then produce: answered only after Kafka acknowledged.
 *
 * The answer is OTLP's: 200 with `partial_success` naming how many spans were refused and why
 * (the exporter must not retry those), an error status otherwise (the route writes both in the
 * request's encoding).
 */
@Injectable()
export class OtlpTracesService {
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

  async export(request: OtlpTracesRequestIn): Promise<OtlpTracesReply> {
    const receivedAtMs = Date.now();
    const { projectId, auth } = request;
    const publicKey = this.admit(authenticate(this.registry, projectId, auth, undefined));
    const encoding = otlpEncodingOf(request.contentType);
    if (encoding === undefined) throw refuse(this.metrics, { refusal: 'otlp_unsupported_type', contentType: request.contentType ?? '' });
    const body = this.admit(await decodeRequestBody(request.body, request.contentEncoding, this.config.ingestMaxEnvelopeBytes));
    const decoded = decodeOtlpTraces(body, encoding, { maxSpans: this.config.ingestMaxOtlpSpans });
    if (!decoded.ok) throw refuse(this.metrics, { refusal: 'otlp_undecodable', error: decoded.error });
    const traces = decoded.request;
    if (traces.spanCount === 0) return { encoding, rejectedSpans: 0, errorMessage: '' };

    const stored: StoredItem[] = [{ index: 0, kind: 'span', quantity: traces.spanCount, json: undefined, payload: body }];
    this.admit(takeQuotas(this.limiter, publicKey, this.registry.rateLimitsOfKey(publicKey), stored));
    const ctx: SpanBatchContext = { projectId, receivedAtMs, generateEventId: randomUUID, transactionNameOf: this.transactionNameOf };
    const normalized = this.normalize(traces, ctx);
    for (const transaction of normalized.records.transactions) this.segmentNames.remember(transaction.spanId, transaction.name);
    const drops: Drop[] = [];
    const records = applyRecordTimeRules(normalized.records, undefined, receivedAtMs, drops, this.metrics);
    this.admit(await produce(this.publisher, this.topics, records, stored, this.metrics));
    return { encoding, ...rejection(normalized, drops) };
  }

  /** normalizeOtlpTraces, with an exception it throws turned into a 400 for the request (its spans counted). */
  private normalize(traces: OtlpTracesRequest, ctx: SpanBatchContext): OtlpTracesResult {
    try {
      const result = normalizeOtlpTraces(traces, ctx, new EventJsonBudget());
      if (result.rejected.length > 0) this.metrics.countEvents('span', 'invalid', result.rejected.length);
      return result;
    } catch (error) {
      this.metrics.countEvents('span', 'processing_error', traces.spanCount);
      const name = error instanceof Error ? error.name : typeof error;
      throw refuse(this.metrics, { refusal: 'otlp_processing_error', reason: `the export could not be processed (${name})` });
    }
  }

  private admit<T>(outcome: T | Refusal): T {
    return admit(this.metrics, outcome);
  }
}

/**
 * The spans refused: those the mapping refused, plus the spans and transactions the time rules
 * dropped (a time ClickHouse cannot store). Exception events left out (their span is kept) and errors
 * dropped by the time rules are not spans: they are named in the message, not counted in `rejected_spans`.
 */
function rejection(normalized: OtlpTracesResult, drops: readonly Drop[]): Omit<OtlpTracesReply, 'encoding'> {
  const reasons = [...normalized.rejected.map((rejected) => rejected.reason), ...normalized.droppedEvents];
  let rejectedSpans = normalized.rejected.length;
  for (const drop of drops) {
    if (drop.drop !== 'invalid_timestamp') continue;
    if (drop.record === 'transactions' || drop.record === 'spans') rejectedSpans++;
    reasons.push(`${drop.record}: ${dropText(drop)}`);
  }
  if (reasons.length === 0) return { rejectedSpans: 0, errorMessage: '' };
  const more = reasons.length - QUOTED_REASONS;
  const errorMessage = reasons.slice(0, QUOTED_REASONS).join('; ') + (more > 0 ? `; and ${more} more` : '');
  return { rejectedSpans, errorMessage };
}
