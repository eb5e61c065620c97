import { waitUntil } from '@pulse/local-infra';
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/** Where copies of one event id sit in the log. */
export interface LogCopy {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Every copy of every event id in the record topics, read from the start of each partition to the
 * end it had when the census began. Tells a double made by the producer (two copies in Kafka: a
 * send retried after its acknowledgement was lost) from one made by the consumer (one copy, two
 * rows), and a lost event that never reached Kafka from one the consumer skipped.
 */
export async function kafkaCensus(kafka: Kafka, topics: string[], timeoutMs = 120_000): Promise<Map<string, LogCopy[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const copies = new Map<string, LogCopy[]>();
  if (remaining.size === 0) return copies;
  const consumer = kafka.consumer({ groupId: `pulse-chaos-census-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}`;
        const last = remaining.get(key);
        if (last === undefined || BigInt(message.offset) > last) return;
        for (const eventId of eventIdsOf(message.value)) {
          const list = copies.get(eventId) ?? [];
          list.push({ topic, partition, offset: message.offset });
          copies.set(eventId, list);
        }
        if (BigInt(message.offset) === last) remaining.delete(key);
      },
    });
    await waitUntil('the record topics read to their end', async () => remaining.size === 0, { timeoutMs, intervalMs: 100 });
  } finally {
    await consumer.disconnect();
  }
  return copies;
}

/** The event ids of a message: one record (schema `/1`) or a JSON array of the records of one request (`/2`). */
function eventIdsOf(value: Buffer | null): string[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return [];
  }
  const records = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ eventId?: unknown } | null>;
  return records.flatMap((record) => (typeof record?.eventId === 'string' ? [record.eventId] : []));
}
