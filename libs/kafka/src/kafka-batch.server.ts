import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { ConsumedMessage, RecordBatch } from './record-batch';
import { RecordKind, TopicNames } from './topics';

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  groupId: string;
  topics: TopicNames;
  /** Called after a batch was handled and its offsets committed. */
  onBatchCommitted?: (batch: RecordBatch, lag: number) => void;
  onBatchFailed?: (batch: RecordBatch, error: unknown) => void;
}

/**
 * A @nestjs/microservices transport that hands whole Kafka batches to `@EventPattern(kind)`
 * handlers and commits a batch's offsets only after its handler resolved (i.e. after the rows are
 * in ClickHouse). A handler that throws leaves the offsets uncommitted: kafkajs restarts the
 * consumer and the batch is fetched again (at-least-once; storage makes redelivery harmless).
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | undefined;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const consumer = this.options.kafka.consumer({
        groupId: this.options.groupId,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        maxBytesPerPartition: 8 * 1024 * 1024,
        maxWaitTimeInMs: 250,
      });
      this.consumer = consumer;
      await consumer.connect();
      const topics = Object.values(RecordKind)
        .filter((kind) => this.getHandlerByPattern(kind))
        .map((kind) => this.options.topics.records[kind]);
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    // disconnect() waits for the running eachBatch to finish, commits nothing more, leaves the group.
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit events');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('KafkaBatchServer is not listening');
    return this.consumer as T;
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const kind = this.options.topics.kindOf(batch.topic);
    const handler = kind && this.getHandlerByPattern(kind);
    if (!kind || !handler) throw new Error(`no handler for topic ${batch.topic}`);
    const records: RecordBatch = {
      kind,
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map(
        (message): ConsumedMessage => ({
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: decodeHeaders(message.headers),
        }),
      ),
    };
    try {
      await lastValueFrom(this.transformToObservable(await handler(records)), { defaultValue: undefined });
    } catch (error) {
      this.options.onBatchFailed?.(records, error);
      throw error;
    }
    // resolveOffset moves this consumer's fetch position; commitOffsets makes it durable for the group.
    resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    await heartbeat();
    this.options.onBatchCommitted?.(records, Number(batch.offsetLag()));
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = first === undefined ? undefined : first.toString();
  }
  return result;
}
