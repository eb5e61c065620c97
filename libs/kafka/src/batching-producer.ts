import { CompressionTypes, Message, PartitionMetadata, Partitioners, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { PartitionCountSource } from './partition-counts';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface BatchingProducerOptions {
  /** Wait at most this long for a batch to fill (kafkajs has no linger setting of its own). */
  lingerMs: number;
  /** Send as soon as this many messages are waiting. */
  maxBatchMessages: number;
  /** Bytes accepted but not yet acknowledged by Kafka; past this, `send` refuses at once. */
  maxPendingBytes: number;
  /** Partition counts of the topics, to partition every message here (see `sendBatch`); closed with the producer. */
  partitionCounts: PartitionCountSource;
  /** Default: none (see PRODUCER_COMPRESSION in libs/config). */
  compression?: CompressionTypes;
  /** How often the messages of partitions a `sendBatch` left unacknowledged are sent again (default 3). */
  maxResends?: number;
  /** No resend starts later than this after the batch was first sent (default 20 s). */
  resendDeadlineMs?: number;
  onBatchSent?: (messages: number, bytes: number, ms: number) => void;
  onBatchFailed?: (messages: number, error: unknown) => void;
  /** A `sendBatch` resolved without acknowledging these partitions; their messages are sent again. */
  onPartitionsResent?: (resend: PartitionResend) => void;
}

export interface PartitionResend {
  /** 1 for the first resend of the batch. */
  attempt: number;
  partitions: Array<{ topic: string; partition: number }>;
  messages: number;
}

const DEFAULT_MAX_RESENDS = 3;
const DEFAULT_RESEND_DEADLINE_MS = 20_000;

/** Thrown when more data waits for Kafka than the producer may hold: answer 503, do not buffer. */
export class ProducerOverloadedError extends Error {
  constructor(pendingBytes: number) {
    super(`producer holds ${pendingBytes} bytes waiting for Kafka; refusing more`);
  }
}

/** Kafka did not acknowledge every partition of a batch, even after the resends: answer 503. */
export class UnacknowledgedPartitionsError extends Error {
  constructor(
    readonly partitions: string[],
    sends: number,
  ) {
    super(`Kafka acknowledged no write of partitions ${partitions.join(', ')} after ${sends} sends`);
  }
}

export class ProducerClosedError extends Error {
  constructor() {
    super('producer is shutting down');
  }
}

/** The messages of one batch for one partition, in the order they were sent. */
interface PartitionMessages {
  topic: string;
  partition: number;
  messages: Message[];
}

interface Waiter {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects messages from many concurrent requests into one `sendBatch` (acks=all, compressed).
 * Each caller's promise settles when every partition of the batch holding its messages is
 * acknowledged, so "sent" means durably handed to Kafka.
 *
 * A resolved kafkajs `sendBatch` does not mean that: kafkajs 2.2.4 (producer/sendMessages.js)
 * keeps one response per broker across its retries and, on a retry, sends only to brokers without
 * one; a partition whose leader moved to a broker that already answered for its own partitions is
 * never sent, and `sendBatch` still resolves (kafkajs PR #1798). So every message gets its
 * partition here, with kafkajs's own DefaultPartitioner (murmur2 of the key, as before: a key keeps
 * its partition), the returned RecordMetadata must name each of those partitions with no error, and
 * the messages of a partition it leaves out are sent again in a fresh `sendBatch` (which has no
 * stale per-broker answers), a bounded number of times.
 */
export class BatchingProducer {
  private waiting: Waiter[] = [];
  private waitingMessages = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private draining = false;

  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** The partitioner reads only the length of a topic's partition list for keyed messages. */
  private readonly partitionLists = new Map<number, PartitionMetadata[]>();

  constructor(
    private readonly producer: Producer,
    private readonly options: BatchingProducerOptions,
  ) {}

  get pending(): { bytes: number; messages: number } {
    return { bytes: this.pendingBytes, messages: this.waitingMessages };
  }

  send(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new ProducerClosedError());
    const bytes = messages.reduce((sum, message) => sum + message.value.length + message.key.length, 0);
    if (this.pendingBytes + bytes > this.options.maxPendingBytes) return Promise.reject(new ProducerOverloadedError(this.pendingBytes));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, bytes, resolve, reject });
      this.waitingMessages += messages.length;
      this.pendingBytes += bytes;
      if (this.draining || this.waitingMessages >= this.options.maxBatchMessages) this.flushWaiting();
      else this.timer ??= setTimeout(() => this.flushWaiting(), this.options.lingerMs);
    });
  }

  /** Sends what is waiting and resolves when every batch sent so far has settled. */
  async flush(): Promise<void> {
    this.flushWaiting();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * For shutdown: sends what waits now and, from now on, every message without lingering, so
   * requests still in flight while the HTTP server closes are answered at once.
   */
  drain(): Promise<void> {
    this.draining = true;
    return this.flush();
  }

  /** Refuses new messages, flushes the rest and disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    await this.options.partitionCounts.close();
    await this.producer.disconnect();
  }

  private flushWaiting(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.waitingMessages = 0;
    const sending = this.sendBatch(batch).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async sendBatch(batch: Waiter[]): Promise<void> {
    const messages = batch.flatMap((waiter) => waiter.messages);
    const bytes = batch.reduce((sum, waiter) => sum + waiter.bytes, 0);
    const started = performance.now();
    try {
      await this.sendUntilAcknowledged(await this.partition(messages), started);
      this.options.onBatchSent?.(messages.length, bytes, performance.now() - started);
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      // A topic may have gained partitions, or lost its metadata: re-read the counts.
      this.options.partitionCounts.refresh();
      this.options.onBatchFailed?.(messages.length, error);
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.pendingBytes -= bytes;
    }
  }

  /** Groups the messages by the partition kafkajs's DefaultPartitioner gives their key. */
  private async partition(messages: OutgoingMessage[]): Promise<Map<string, PartitionMessages>> {
    const counts = await this.options.partitionCounts.counts([...new Set(messages.map((message) => message.topic))]);
    const byPartition = new Map<string, PartitionMessages>();
    for (const { topic, key, value, headers } of messages) {
      const partitionMetadata = this.partitionList(counts.get(topic)!);
      const partition = this.partitioner({ topic, partitionMetadata, message: { key, value } });
      const id = partitionId(topic, partition);
      let entry = byPartition.get(id);
      if (!entry) byPartition.set(id, (entry = { topic, partition, messages: [] }));
      entry.messages.push({ key, value, headers, partition });
    }
    return byPartition;
  }

  /**
   * Sends, then sends again the partitions the answer left out, until every one is acknowledged.
   * A partition left out was not sent by that `sendBatch` (see the class comment), so its resend is
   * what a working kafkajs retry would have sent: it doubles a message only where that would have.
   */
  private async sendUntilAcknowledged(unacknowledged: Map<string, PartitionMessages>, started: number): Promise<void> {
    const maxResends = this.options.maxResends ?? DEFAULT_MAX_RESENDS;
    const deadline = started + (this.options.resendDeadlineMs ?? DEFAULT_RESEND_DEADLINE_MS);
    for (let sends = 1; ; sends++) {
      const topicMessages = toTopicMessages(unacknowledged.values());
      const acknowledged: RecordMetadata[] = await this.producer.sendBatch({ topicMessages, acks: -1, compression: this.options.compression ?? CompressionTypes.None });
      for (const record of acknowledged) if (record.errorCode === 0) unacknowledged.delete(partitionId(record.topicName, record.partition));
      if (unacknowledged.size === 0) return;
      this.options.partitionCounts.refresh();
      if (sends > maxResends || performance.now() >= deadline) throw new UnacknowledgedPartitionsError([...unacknowledged.keys()], sends);
      const partitions = [...unacknowledged.values()];
      this.options.onPartitionsResent?.({ attempt: sends, partitions: partitions.map(({ topic, partition }) => ({ topic, partition })), messages: partitions.reduce((sum, entry) => sum + entry.messages.length, 0) });
    }
  }

  private partitionList(count: number): PartitionMetadata[] {
    let list = this.partitionLists.get(count);
    if (!list) {
      list = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
      this.partitionLists.set(count, list);
    }
    return list;
  }
}

function partitionId(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

function toTopicMessages(partitions: Iterable<PartitionMessages>): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, messages } of partitions) {
    const list = byTopic.get(topic);
    if (list) list.push(...messages);
    else byTopic.set(topic, [...messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
