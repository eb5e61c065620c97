import { createKafka } from '@pulse/kafka';
import { waitUntil } from '@pulse/local-infra';
import type { Consumer } from 'kafkajs';
import { testInfra, uniqueName } from '@pulse/testing';

export interface DeadLetterRead {
  value: string;
  headers: Record<string, string>;
}

/** Reads the dead-letter topic from the beginning. */
export class DeadLetterReader {
  readonly received: DeadLetterRead[] = [];
  private readonly consumer: Consumer;

  constructor(private readonly topic: string) {
    this.consumer = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-dlq' }).consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
        this.received.push({ value: message.value?.toString() ?? '', headers });
      },
    });
  }

  /** Fails naming the reasons of what did arrive, so a missing letter says which one it is. */
  async waitFor(count: number): Promise<void> {
    try {
      await waitUntil(`${count} dead letters`, async () => this.received.length >= count, { intervalMs: 50 });
    } catch (error) {
      const reasons = this.received.map((letter) => letter.headers['pulse-dlq-reason']);
      throw new Error(`${error instanceof Error ? error.message : String(error)}; received ${reasons.length}: ${JSON.stringify(reasons)}`);
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
