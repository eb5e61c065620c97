import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { ConsumerEvents, ConsumerTuning, KindConsumer } from './kind-consumer';
import type { RecordBatch } from './record-batch';
import { RECORD_KINDS, RecordKind } from '@pulse/model';
import { kafkaNameOf } from './kafka-kinds';
import type { TopicNames } from './topics';

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  /** Each record kind consumes in its own group, `<groupIdPrefix>.<Kafka name of the kind>`. */
  groupIdPrefix: string;
  topics: TopicNames;
  tuning: ConsumerTuning;
  events?: ConsumerEvents;
}

/** The consumer group of one record kind (`pulse-consumer.web-vitals`). */
export function consumerGroupOf(prefix: string, kind: RecordKind): string {
  return `${prefix}.${kafkaNameOf(kind)}`;
}

/**
 * A @nestjs/microservices transport that hands batches of one record kind to its
 * `@EventPattern(kind)` handler, one consumer group per kind that has a handler.
 *
 * A group per kind rather than one over all topics: a kind whose table is failing (a bad
 * migration, a rejected column) pauses and retries alone while the others keep flowing; each
 * kind's lag is its own; and a slow kind cannot hold up the others' fetches, which a shared
 * group's single fetch loop would.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private consumers: KindConsumer[] = [];

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { kafka, groupIdPrefix, topics, tuning, events = {} } = this.options;
      for (const kind of RECORD_KINDS) {
        const handler = this.getHandlerByPattern(kind);
        if (!handler) continue;
        this.consumers.push(
          new KindConsumer({
            kafka,
            kind,
            topic: topics.records[kind],
            groupId: consumerGroupOf(groupIdPrefix, kind),
            tuning,
            events,
            handler: async (batch: RecordBatch) => {
              await lastValueFrom(this.transformToObservable(await handler(batch)), { defaultValue: undefined });
            },
          }),
        );
      }
      await Promise.all(this.consumers.map((consumer) => consumer.start()));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Finishes the batches in hand, commits them and leaves every group. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    this.consumers = [];
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit events');
  }

  /** The kafkajs consumers, one per record kind. */
  unwrap<T>(): T {
    if (this.consumers.length === 0) throw new Error('KafkaBatchServer is not listening');
    return this.consumers.map((consumer) => consumer.kafkaConsumer) as Consumer[] as T;
  }
}
