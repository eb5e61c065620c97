import { Kafka, Partitioners, Producer } from 'kafkajs';
import type { ConsumedMessage } from '@pulse/kafka';

export interface DeadLetter {
  message: ConsumedMessage;
  reason: string;
}

/** Where messages that cannot be stored go; tests of the batch logic swap in a fake. */
export abstract class DeadLetterSink {
  abstract send(sourceTopic: string, partition: number, letters: DeadLetter[]): Promise<void>;
}

/**
 * Copies undecodable messages to the dead-letter topic unchanged, with where they came from and
 * why in headers, so they can be inspected and replayed. Awaited before the offsets are committed.
 */
export class KafkaDeadLetterSink extends DeadLetterSink {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    super();
    this.producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(sourceTopic: string, partition: number, letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...Object.fromEntries(Object.entries(message.headers).filter((entry): entry is [string, string] => entry[1] !== undefined)),
          'pulse-dlq-reason': reason,
          'pulse-dlq-source-topic': sourceTopic,
          'pulse-dlq-source-partition': String(partition),
          'pulse-dlq-source-offset': message.offset,
        },
      })),
    });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
