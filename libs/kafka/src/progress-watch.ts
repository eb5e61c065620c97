import type { RecordKind } from '@pulse/model';
import type { PartitionLag } from './lag-monitor';
import { kafkaNameOf } from './kafka-kinds';

/** Where one kind's consumer stands, as `/ready` and the gauges report it. */
export interface KindProgress {
  kind: RecordKind;
  /** A member of its group (false from a crash until the next join). */
  running: boolean;
  /** Lag on this process's partitions whose committed offset has not moved for the stall time. */
  stalled: boolean;
  /** Longest time one of those partitions has gone without a commit, ms (0 when not stalled). */
  stalledForMs: number;
  /** Messages of lag on the stalled partitions. */
  stalledLag: number;
  stalledPartitions: number[];
}

interface PartitionState {
  committed: number;
  lag: number;
  /** When `committed` last changed, or when the lag last was 0. */
  movedAt: number;
}

/**
 * Tells whether each kind's consumer is making progress, from the broker's view: a partition
 * assigned to this process that has lag and whose committed offset has not advanced for
 * `stallTimeoutMs` is stalled, whatever the reason (a crashed consumer, an insert that keeps
 * failing, a hung handler). Fed by the LagMonitor's rounds and the consumers' join and crash
 * events; read by `/ready` and the `pulse_consumer_stalled` gauge.
 */
export class ProgressWatch {
  private readonly topicToKind = new Map<string, RecordKind>();
  private readonly partitions = new Map<string, PartitionState>();
  private readonly running = new Map<RecordKind, boolean>();
  /** Partitions assigned to this process at the last join; undefined before the first join. */
  private readonly assigned = new Map<RecordKind, ReadonlySet<number>>();

  constructor(
    kinds: ReadonlyArray<{ kind: RecordKind; topic: string }>,
    private readonly stallTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    for (const { kind, topic } of kinds) {
      this.topicToKind.set(topic, kind);
      this.running.set(kind, false);
    }
  }

  setRunning(kind: RecordKind, running: boolean): void {
    this.running.set(kind, running);
  }

  setAssigned(kind: RecordKind, partitions: readonly number[]): void {
    this.assigned.set(kind, new Set(partitions));
  }

  /** One round of lag readings (any topic this watch does not know is ignored). */
  observe(lags: readonly PartitionLag[]): void {
    const now = this.now();
    for (const { topic, partition, committed, lag } of lags) {
      if (!this.topicToKind.has(topic)) continue;
      const key = `${topic}/${partition}`;
      const previous = this.partitions.get(key);
      const moved = !previous || previous.committed !== committed || lag === 0;
      this.partitions.set(key, { committed, lag, movedAt: moved ? now : previous.movedAt });
    }
  }

  /** Every kind's state now. */
  progress(): KindProgress[] {
    const now = this.now();
    const byKind = new Map<RecordKind, KindProgress>();
    for (const [kind, running] of this.running) {
      byKind.set(kind, { kind, running, stalled: false, stalledForMs: 0, stalledLag: 0, stalledPartitions: [] });
    }
    for (const [key, state] of this.partitions) {
      const slash = key.lastIndexOf('/');
      const kind = this.topicToKind.get(key.slice(0, slash))!;
      const partition = Number(key.slice(slash + 1));
      const assigned = this.assigned.get(kind);
      if (assigned && !assigned.has(partition)) continue; // another member's partition
      const idleMs = now - state.movedAt;
      if (state.lag === 0 || idleMs < this.stallTimeoutMs) continue;
      const entry = byKind.get(kind)!;
      entry.stalled = true;
      entry.stalledForMs = Math.max(entry.stalledForMs, idleMs);
      entry.stalledLag += state.lag;
      entry.stalledPartitions.push(partition);
    }
    return [...byKind.values()];
  }

  /** The reasons a `/ready` check fails, one per kind that is down or stalled; empty when all move. */
  problems(): string[] {
    return this.progress().flatMap((p) => {
      if (!p.running) return [`${kafkaNameOf(p.kind)}: consumer is not running (crashed or not yet joined)`];
      if (p.stalled) return [describeStall(p)];
      return [];
    });
  }
}

/** "transactions: no commit for 65 s with 1200 messages of lag (partitions 0, 1)". */
export function describeStall(p: KindProgress): string {
  return `${kafkaNameOf(p.kind)}: no commit for ${Math.round(p.stalledForMs / 1000)} s with ${p.stalledLag} messages of lag (partition${p.stalledPartitions.length > 1 ? 's' : ''} ${p.stalledPartitions.sort((a, b) => a - b).join(', ')})`;
}
