import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import type { RecordKind } from '@pulse/model';
import { Backoff } from './backoff';
import { ConsumerSupervisor } from './consumer-supervisor';
import { HeartbeatPump, rejoinCause } from './membership';
import { decodeIntent, encodeIntent, rangeToken } from './offset-intent';
import { Chunk, PartitionCutter } from './partition-cutter';
import type { ConsumedMessage, RecordBatch } from './record-batch';

/**
 * Partitions worked on at a time unless the tuning says otherwise (kafkajs's
 * partitionsConsumedConcurrently): 4, the default partition count, so every partition's batches
 * move while the others' inserts are in ClickHouse. A fetch response holds at most this many full
 * partitions (its byte bound is this times the bytes per partition): more would only wait in memory.
 */
export const DEFAULT_PARTITIONS_CONCURRENTLY = 4;

export interface ConsumerTuning {
  /** Most messages in one handler call (one ClickHouse insert; a schema-2 message holds the records of one request). */
  maxBatchRows: number;
  /** Longest time the broker holds a fetch open to fill it. */
  maxWaitMs: number;
  /** Bytes a fetch waits for before maxWaitMs runs out. */
  minFetchBytes: number;
  /** Bytes one fetch returns per partition; partitionsConcurrently times this bounds a whole fetch. */
  maxFetchBytesPerPartition: number;
  /** Partitions worked on at once (default DEFAULT_PARTITIONS_CONCURRENTLY); within a partition, batches run one after another. */
  partitionsConcurrently?: number;
  /** How long the broker waits for a silent member (a crashed process) before reassigning its partitions. */
  sessionTimeoutMs: number;
  /** Back-off between attempts to store a batch: first wait and ceiling. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Back-off between restarts of a consumer that crashed for good (default 1 s doubling to 60 s). */
  restartInitialMs?: number;
  restartMaxMs?: number;
}

export interface ConsumerEvents {
  /** A batch is stored and its offsets committed (lag is read apart, by LagMonitor). */
  onCommitted?: (batch: RecordBatch) => void;
  /** Storing a batch failed; it is tried again after `delayMs` with the same token. */
  onRetry?: (batch: RecordBatch, error: unknown, delayMs: number, attempt: number) => void;
  /** Fetching stopped (true) while a batch cannot be stored, and started again (false). */
  onPause?: (topic: string, paused: boolean) => void;
  /** The kafkajs consumer crashed; Pulse starts a fresh one in `restartInMs` (undefined: kafkajs restarts it). */
  onCrash?: (kind: RecordKind, error: unknown, restartInMs: number | undefined) => void;
  /** A fresh consumer replaces the crashed one (`attempt` since it last ran stably). */
  onRestart?: (kind: RecordKind, attempt: number) => void;
  /** Starting the fresh consumer failed; tried again in `retryInMs`. */
  onRestartFailed?: (kind: RecordKind, error: unknown, attempt: number, retryInMs: number) => void;
  /** True once the consumer is a member of its group; false after a crash and after stop. */
  onRunning?: (kind: RecordKind, running: boolean) => void;
  /** The partitions this process was given at the last join. */
  onAssigned?: (kind: RecordKind, partitions: number[]) => void;
}

export interface KindConsumerOptions {
  kafka: Kafka;
  kind: RecordKind;
  topic: string;
  groupId: string;
  tuning: ConsumerTuning;
  events: ConsumerEvents;
  handler: (batch: RecordBatch) => Promise<void>;
}

/** Heartbeats are sent at least this often while a batch waits for its next attempt. */
const WAIT_STEP_MS = 1000;

type Payload = Pick<EachBatchPayload, 'batch' | 'resolveOffset' | 'heartbeat' | 'isRunning' | 'isStale'>;

/**
 * The consumer group of one record kind. Per partition it cuts each fetch into batches of at most
 * `maxBatchRows`, and for each batch: commits the intent (the offset range, as metadata of the
 * current offset), hands the batch to the handler, retrying with back-off while the handler fails
 * (fetching is paused meanwhile; heartbeats keep the membership, also while an attempt is in
 * flight), then commits the offset after the range. See offset-intent.ts for why the intent makes
 * redelivery harmless. A consumer that kafkajs gives up on is replaced by a fresh one
 * (consumer-supervisor.ts).
 */
export class KindConsumer {
  private consumer: Consumer;
  private readonly admin: Admin;
  private readonly supervisor: ConsumerSupervisor;
  private readonly cutters = new Map<number, PartitionCutter>();
  /** The committed intents, read once per join (shared by the partitions consumed concurrently). */
  private intents: Promise<void> | undefined;
  private paused = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: KindConsumerOptions) {
    const { kind, tuning, events } = options;
    this.admin = options.kafka.admin();
    this.supervisor = new ConsumerSupervisor({
      restart: () => this.restart(),
      initialMs: tuning.restartInitialMs ?? 1000,
      maxMs: tuning.restartMaxMs ?? 60_000,
      events: {
        onCrash: (error, restartInMs) => events.onCrash?.(kind, error, restartInMs),
        onRestart: (attempt) => events.onRestart?.(kind, attempt),
        onRestartFailed: (error, attempt, retryInMs) => events.onRestartFailed?.(kind, error, attempt, retryInMs),
        onRunning: (running) => events.onRunning?.(kind, running),
      },
    });
    this.consumer = this.createConsumer();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.run();
  }

  /**
   * Lets the batch in hand finish its insert and commit (kafkajs refuses commits once it stops
   * running, so this comes before disconnecting), then leaves the group. A batch waiting to retry
   * is abandoned uncommitted: whoever reads the partition next replays it under the same token.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.supervisor.stop();
    await Promise.allSettled([...this.inFlight]);
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }

  /** True while the consumer is a member of its group. */
  get running(): boolean {
    return this.supervisor.running;
  }

  /** The underlying kafkajs consumer (for `unwrap`); another one after a restart. */
  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  private createConsumer(): Consumer {
    const { kafka, groupId, topic, kind, tuning } = this.options;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalOf(tuning),
      minBytes: tuning.minFetchBytes,
      maxBytesPerPartition: tuning.maxFetchBytesPerPartition,
      maxBytes: tuning.maxFetchBytesPerPartition * partitionsConcurrentlyOf(tuning),
      maxWaitTimeInMs: tuning.maxWaitMs,
    });
    // kafkajs restarts reading from the committed offsets after every join: forget what was cut.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (consumer !== this.consumer) return;
      this.intents = undefined;
      this.cutters.clear();
      this.setPaused(false);
      this.options.events.onAssigned?.(kind, payload.memberAssignment[topic] ?? []);
      this.supervisor.joined();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== this.consumer || this.stopping) return;
      this.supervisor.crashed(payload.error, payload.restart);
    });
    return consumer;
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    // Several partitions at a time: some decode and encode while the others' inserts are in ClickHouse.
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: partitionsConcurrentlyOf(this.options.tuning),
      eachBatch: (payload) => this.track(payload),
    });
  }

  /**
   * A fresh kafkajs consumer in place of one kafkajs gave up on (it disconnected that one itself
   * before reporting the crash). Nothing uncommitted is lost: the new member reads the committed
   * offsets and intents like any successor.
   */
  private async restart(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    if (this.stopping) return;
    this.intents = undefined;
    this.cutters.clear();
    // A fresh consumer fetches unpaused (the old one refuses resume() once stopped).
    if (this.paused) {
      this.paused = false;
      this.options.events.onPause?.(this.options.topic, false);
    }
    this.consumer = this.createConsumer();
    await this.run();
  }

  private async track(payload: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    const work = this.consume(payload);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private shouldStop({ isRunning, isStale }: Payload): boolean {
    return this.stopping || !isRunning() || isStale();
  }

  private async consume(payload: Payload): Promise<void> {
    const { batch } = payload;
    if (this.shouldStop(payload) || batch.messages.length === 0) return;
    this.intents ??= this.loadIntents().catch((error: unknown) => {
      this.intents = undefined;
      throw error;
    });
    await this.intents;
    const cutter = this.cutterOf(batch.partition);
    const chunks = cutter.cut(batch.messages.map(toConsumedMessage));
    const pump = new HeartbeatPump(() => payload.heartbeat(), heartbeatIntervalOf(this.options.tuning));
    let intentCommitted = false;
    for (const [index, chunk] of chunks.entries()) {
      if (this.shouldStop(payload)) return;
      // Membership lost during the last insert: rejoin first (kafkajs does when this is thrown).
      if (pump.lost) throw pump.lost;
      if (!chunk.replay && !intentCommitted && !(await this.commit(payload, chunk.range.first, encodeIntent(chunk.range)))) return;
      const records = this.recordBatch(batch.partition, chunk);
      if (!(await this.store(records, payload, pump))) return;
      // The commit that closes this range also opens the next one of the same fetch.
      const next = chunks[index + 1] as Chunk | undefined;
      const nextIntent = next && !next.replay ? encodeIntent(next.range) : null;
      if (!(await this.commit(payload, (BigInt(chunk.range.last) + 1n).toString(), nextIntent))) return;
      intentCommitted = nextIntent !== null;
      payload.resolveOffset(chunk.range.last);
      await payload.heartbeat();
      this.options.events.onCommitted?.(records);
    }
    // Messages held for an incomplete replay range live in the cutter: fetch on past them.
    if (cutter.holding) payload.resolveOffset(batch.lastOffset());
  }

  /**
   * Commits `offset` with `metadata`. False when kafkajs stopped running or the partition was
   * taken away meanwhile: kafkajs then drops commits silently, so the caller must not go on as if
   * it had committed. A commit refused because the member must rejoin throws the broker's error
   * itself, not kafkajs's wrapper of it, so that kafkajs rejoins instead of crashing (membership.ts).
   */
  private async commit(payload: Payload, offset: string, metadata: string | null): Promise<boolean> {
    // Not `shouldStop`: while stopping, the batch in hand still gets its commit.
    const live = () => payload.isRunning() && !payload.isStale();
    if (!live()) return false;
    try {
      await this.consumer.commitOffsets([{ topic: this.options.topic, partition: payload.batch.partition, offset, metadata }]);
    } catch (error) {
      throw rejoinCause(error) ?? error;
    }
    return live();
  }

  /**
   * Calls the handler until it succeeds, heartbeating while each attempt is in flight; false when
   * the consumer must stop instead. A membership lost meanwhile is thrown after a failed attempt
   * (the next owner replays the range under the same token); after a successful one the commit
   * decides, since a member that is only asked to rejoin may still commit.
   */
  private async store(records: RecordBatch, payload: Payload, pump: HeartbeatPump): Promise<boolean> {
    const backoff = new Backoff(this.options.tuning.retryInitialMs, this.options.tuning.retryMaxMs);
    for (let attempt = 1; ; attempt++) {
      try {
        await pump.around(this.options.handler(records));
        this.setPaused(false);
        return true;
      } catch (error) {
        if (pump.lost) throw pump.lost;
        if (this.shouldStop(payload)) return false;
        const delay = backoff.delay();
        this.options.events.onRetry?.(records, error, delay, attempt);
        this.setPaused(true);
        if (!(await this.wait(delay, payload))) return false;
      }
    }
  }

  /** Waits `ms`, heartbeating; false when the consumer must stop. A rebalance throws (kafkajs rejoins). */
  private async wait(ms: number, payload: Payload): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_STEP_MS, until - Date.now())));
      if (this.shouldStop(payload)) return false;
      await payload.heartbeat();
    }
    return true;
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.consumer.pause([{ topic: this.options.topic }]);
    else this.consumer.resume([{ topic: this.options.topic }]);
    this.options.events.onPause?.(this.options.topic, paused);
  }

  /** Reads the committed offsets and their intents once after each join. */
  private async loadIntents(): Promise<void> {
    const [committed] = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
    for (const { partition, offset, metadata } of committed?.partitions ?? []) {
      this.cutterOf(partition).pin(decodeIntent(metadata), offset);
    }
  }

  private cutterOf(partition: number): PartitionCutter {
    let cutter = this.cutters.get(partition);
    if (!cutter) {
      cutter = new PartitionCutter(this.options.tuning.maxBatchRows);
      this.cutters.set(partition, cutter);
    }
    return cutter;
  }

  private recordBatch(partition: number, chunk: Chunk): RecordBatch {
    const { kind, topic } = this.options;
    return { kind, topic, partition, range: chunk.range, dedupToken: rangeToken(topic, partition, chunk.range), messages: chunk.messages };
  }
}

function partitionsConcurrentlyOf(tuning: ConsumerTuning): number {
  return tuning.partitionsConcurrently ?? DEFAULT_PARTITIONS_CONCURRENTLY;
}

/** kafkajs's heartbeat interval: a tenth of the session, so a few lost beats never cost the membership. */
function heartbeatIntervalOf(tuning: ConsumerTuning): number {
  return Math.floor(tuning.sessionTimeoutMs / 10);
}

function toConsumedMessage(message: EachBatchPayload['batch']['messages'][number]): ConsumedMessage {
  return { offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers: decodeHeaders(message.headers) };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = first === undefined ? undefined : first.toString();
  }
  return result;
}

