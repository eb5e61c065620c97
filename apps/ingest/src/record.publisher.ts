import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { AdminPartitionCounts, BatchingProducer, createRecordProducer, OutgoingMessage, ReadinessProbe, UnacknowledgedPartitionsError } from '@pulse/kafka';
import type { Logger } from 'pino';
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

  constructor(kafka: Kafka, options: KafkaPublisherOptions, metrics: IngestMetrics, logger: Logger) {
    super();
    this.producer = createRecordProducer(kafka);
    this.batching = new BatchingProducer(this.producer, {
      ...options,
      partitionCounts: new AdminPartitionCounts(kafka),
      onBatchSent: (_messages, _bytes, ms) => {
        metrics.producedBatches.inc({ outcome: 'ok' });
        metrics.produceLatency.observe(ms / 1000);
      },
      onBatchFailed: (messages, error) => {
        metrics.producedBatches.inc({ outcome: error instanceof UnacknowledgedPartitionsError ? 'unacknowledged' : 'failed' });
        if (error instanceof UnacknowledgedPartitionsError) logger.error({ partitions: error.partitions, messages }, 'Kafka left partitions of a batch unacknowledged after every resend; answering 503');
      },
      onPartitionsResent: ({ attempt, partitions, messages }) => {
        for (const { topic } of partitions) metrics.resentPartitions.inc({ topic });
        logger.warn({ attempt, partitions: partitions.map(({ topic, partition }) => `${topic}/${partition}`), messages }, 'Kafka client resolved a batch without acknowledging these partitions (leader moved); sending their messages again');
      },
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
