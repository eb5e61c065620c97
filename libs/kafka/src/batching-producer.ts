import { CompressionTypes, Message, Producer, TopicMessages } from 'kafkajs';

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
  /** Default: none (see PRODUCER_COMPRESSION in libs/config). */
  compression?: CompressionTypes;
  onBatchSent?: (messages: number, bytes: number, ms: number) => void;
  onBatchFailed?: (messages: number, error: unknown) => void;
}

/** Thrown when more data waits for Kafka than the producer may hold: answer 503, do not buffer. */
export class ProducerOverloadedError extends Error {
  constructor(pendingBytes: number) {
    super(`producer holds ${pendingBytes} bytes waiting for Kafka; refusing more`);
  }
}

export class ProducerClosedError extends Error {
  constructor() {
    super('producer is shutting down');
  }
}

interface Waiter {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects messages from many concurrent requests into one `sendBatch` (acks=all, compressed).
 * Each caller's promise settles when the batch holding its messages is acknowledged, so "sent"
 * means durably handed to Kafka.
 */
export class BatchingProducer {
  private waiting: Waiter[] = [];
  private waitingMessages = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private draining = false;

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
    const byTopic = new Map<string, Message[]>();
    let count = 0;
    let bytes = 0;
    for (const waiter of batch) {
      bytes += waiter.bytes;
      for (const message of waiter.messages) {
        let list = byTopic.get(message.topic);
        if (!list) byTopic.set(message.topic, (list = []));
        list.push({ key: message.key, value: message.value, headers: message.headers });
        count++;
      }
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = performance.now();
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: this.options.compression ?? CompressionTypes.None });
      this.options.onBatchSent?.(count, bytes, performance.now() - started);
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      this.options.onBatchFailed?.(count, error);
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.pendingBytes -= bytes;
    }
  }
}
