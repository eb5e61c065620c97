// Backlog mode's first step: the whole backlog is produced to Kafka before any consumer runs, as
// ingest writes it, with a few sends in flight so that generating the records overlaps the
// broker's work. The produced bytes are kept (up to MAX_KEPT_ROWS) for the baseline.
import { RecordKind } from '@pulse/model';
import { round } from '../stats';
import { Bench, BenchTopics, generator, log, newProducer, SEND_MESSAGES, sendRecords } from './bench-context';
import type { KeptPayloads } from './payloads';

/** Sends kept in flight while the backlog is produced (generation overlaps the broker's work). */
const SENDS_IN_FLIGHT = 3;

/** Above this many rows the payloads are not kept and the baseline regenerates the records. */
const MAX_KEPT_ROWS = 3_000_000;

export interface Production {
  seconds: number;
  rowsPerSecond: number;
  messages: number;
  /** Messages in the topic beyond those sent: sends kafkajs retried after they had landed. */
  duplicateMessages: number;
  /** Messages per partition: the key is the project id; the projects are picked to cover every partition evenly. */
  messagesPerPartition: Record<string, number>;
}

/** Produces the whole backlog before any consumer runs. */
export async function produceBacklog(bench: Bench, topics: BenchTopics): Promise<{ production: Production; kept?: KeptPayloads }> {
  const { rows } = bench.options;
  const kept: KeptPayloads | undefined = rows <= MAX_KEPT_ROWS ? { chunks: [] } : undefined;
  const topic = topics.names.records[RecordKind.Transaction];
  const producer = newProducer(bench);
  await producer.connect();
  const records = generator(bench, bench.nowMs);
  const started = performance.now();
  let messages = 0;
  try {
    const inFlight = new Set<Promise<number>>();
    let lastReport = started;
    for (let sent = 0; sent < rows; ) {
      const count = Math.min(SEND_MESSAGES, rows - sent);
      const send = sendRecords(bench, producer, topic, Array.from({ length: count }, () => records.transaction()), kept);
      // A failed send surfaces through race/all below; this chain only counts and forgets it.
      void send
        .then((sentMessages) => (messages += sentMessages))
        .finally(() => inFlight.delete(send))
        .catch(() => undefined);
      inFlight.add(send);
      sent += count;
      if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        log(`  produced ${sent.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')}`);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const admin = bench.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const messagesPerPartition = Object.fromEntries(offsets.map((o) => [String(o.partition), Number(o.high) - Number(o.low)]));
    const total = Object.values(messagesPerPartition).reduce((a, b) => a + b, 0);
    if (total < messages) throw new Error(`the topic holds ${total} messages, expected ${messages}`);
    // A send kafkajs retried after its acknowledgement was lost (a loaded machine) is in the log
    // twice; the consumer drops the copies as client re-sends, so the table still holds each row once.
    if (total > messages) log(`  warning: the topic holds ${total - messages} messages more than were sent (retried sends)`);
    return { production: { seconds: round(seconds, 2), rowsPerSecond: Math.round(rows / seconds), messages, duplicateMessages: total - messages, messagesPerPartition }, kept };
  } finally {
    await admin.disconnect();
  }
}
