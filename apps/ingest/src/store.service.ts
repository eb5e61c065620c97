import { Injectable } from '@nestjs/common';
import { encodeTransaction, ProducerOverloadedError, RecordKind, TopicNames } from '@pulse/kafka';
import { normalizeTransaction } from '@pulse/model';
import { ApiError } from '@pulse/platform';
import { parseJsonPayload, TransactionEventDto } from '@pulse/protocol';
import { randomUUID } from 'node:crypto';
import { IngestMetrics } from './ingest.metrics';
import { RecordPublisher } from './record.publisher';

const RETRY_AFTER_S = '5';

/** Store endpoint logic: parse → validate → normalize → encode → publish (awaiting the Kafka ack). */
@Injectable()
export class StoreService {
  constructor(
    private readonly publisher: RecordPublisher,
    private readonly topics: TopicNames,
    private readonly metrics: IngestMetrics,
  ) {}

  async storeTransaction(projectId: number, body: Buffer | undefined): Promise<{ id: string }> {
    if (!body || body.length === 0) throw this.invalid('empty request body');
    const parsed = parseJsonPayload(TransactionEventDto, body, 'transaction event');
    if (!parsed.ok) throw this.invalid(parsed.detail, parsed.causes);
    const normalized = normalizeTransaction(parsed.value, {
      projectId,
      receivedAtMs: Date.now(),
      generateEventId: () => randomUUID(),
    });
    if (!normalized.ok) throw this.invalid(`invalid transaction event: ${normalized.reason}`);

    const message = encodeTransaction(normalized.record);
    try {
      await this.publisher.publish([{ topic: this.topics.records[RecordKind.Transaction], ...message }]);
    } catch (error) {
      const outcome = error instanceof ProducerOverloadedError ? 'overloaded' : 'failed';
      this.metrics.events.inc({ kind: 'transaction', outcome });
      throw new ApiError(503, 'event could not be handed to Kafka; retry later', [], { 'Retry-After': RETRY_AFTER_S });
    }
    this.metrics.events.inc({ kind: 'transaction', outcome: 'accepted' });
    return { id: normalized.record.eventId };
  }

  private invalid(detail: string, causes: string[] = []): ApiError {
    this.metrics.events.inc({ kind: 'transaction', outcome: 'invalid' });
    return new ApiError(400, detail, causes);
  }
}
