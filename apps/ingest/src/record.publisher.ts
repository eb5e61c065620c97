import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { BatchingProducer, createRecordProducer, OutgoingMessage, ReadinessProbe } from '@pulse/kafka';
import type { IngestMetrics } from './ingest.metrics';

/** Where ingest hands records; resolves once Kafka acknowledged them. Tests may swap it. */
export abstract class RecordPublisher {
  abstract publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface KafkaPublisherOptions {
  lingerMs: number;
  maxBatchMessages: number;
  maxPendingBytes: number;
  compression: CompressionTypes;
}

/** The Kafka side of ingest: one producer, batched across requests, flushed on shutdown. */
export class KafkaRecordPublisher extends RecordPublisher {
  private readonly producer: Producer;
  private readonly batching: BatchingProducer;
  readonly readiness: ReadinessProbe;

  constructor(kafka: Kafka, options: KafkaPublisherOptions, metrics: IngestMetrics) {
    super();
    this.producer = createRecordProducer(kafka);
    this.batching = new BatchingProducer(this.producer, {
      ...options,
      onBatchSent: (_messages, _bytes, ms) => {
        metrics.producedBatches.inc({ outcome: 'ok' });
        metrics.produceLatency.observe(ms / 1000);
      },
      onBatchFailed: () => metrics.producedBatches.inc({ outcome: 'failed' }),
    });
    this.readiness = new ReadinessProbe(kafka);
    metrics.watchProducer(() => this.batching.pending);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  publish(messages: OutgoingMessage[]): Promise<void> {
    return this.batching.send(messages);
  }

  drain(): Promise<void> {
    return this.batching.drain();
  }

  async close(): Promise<void> {
    await this.batching.close();
    await this.readiness.close();
  }
}
