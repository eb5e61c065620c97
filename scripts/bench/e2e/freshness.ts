import { waitUntil } from '@pulse/local-infra';
import { percentile, round } from '../stats';

/** A sent transaction whose arrival in the query API is being watched. */
export interface FreshnessSample {
  traceId: string;
  projectId: number;
  /** Epoch ms its envelope was handed to the connection (the load generator's clock: same machine). */
  sentAtMs: number;
  /** Which phase of the benchmark sent it (warm-up, freshness, a step). */
  phase: string;
  /** Epoch ms the poll answer that first named it arrived. */
  seenAtMs?: number;
  polls: number;
}

export interface FreshnessFigures {
  samples: number;
  seen: number;
  /** Never seen before the phase's grace period ended: counted here, never left out silently. */
  unseen: number;
  /** Over the seen samples: seenAt − sentAt, ms. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanPollsPerSample: number;
}

/** Freshness of the samples of one phase. Pure: the unseen ones are counted, not in the percentiles. */
export function freshnessFigures(samples: readonly FreshnessSample[]): FreshnessFigures {
  const seen = samples.filter((s) => s.seenAtMs !== undefined).map((s) => s.seenAtMs! - s.sentAtMs);
  return {
    samples: samples.length,
    seen: seen.length,
    unseen: samples.length - seen.length,
    p50Ms: round(percentile(seen, 50), 0),
    p95Ms: round(percentile(seen, 95), 0),
    maxMs: seen.length === 0 ? NaN : round(Math.max(...seen), 0),
    meanPollsPerSample: samples.length === 0 ? NaN : round(samples.reduce((sum, s) => sum + s.polls, 0) / samples.length, 1),
  };
}

export interface PollerOptions {
  /** The query app's base URL and a token for every project. */
  queryUrl: string;
  token: string;
  /** A sample is polled at most this often. */
  minIntervalMs: number;
  /** Polls in flight at once (each names up to `batch` samples of one project). */
  maxInFlight: number;
  /** Trace ids per poll (the SQL API takes arrays of up to 1,000). */
  batch: number;
}

/** How the polls went: they are the query app's load during the run. */
export interface PollStats {
  polls: number;
  failed: number;
  /** Status or error of failed polls, counted. */
  failures: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const SQL = 'SELECT DISTINCT trace_id FROM transactions WHERE trace_id IN {ids:Array(String)}';
/** The scope's time range around the samples' send times (transactions end just before they are sent). */
const RANGE_MARGIN_MS = 10 * 60_000;

/**
 * Watches samples until the query API shows them: per project, one SQL API request
 * (`POST /api/v1/projects/:id/query`, `SELECT DISTINCT trace_id FROM transactions WHERE trace_id
 * IN {ids}`) for its oldest unseen samples, at most every `minIntervalMs` per project and at most
 * `maxInFlight` requests at once. A sample is seen when an answer naming it arrives; its
 * freshness is that moment minus its send time, so it reads up to one poll interval plus one
 * poll's duration late.
 */
export class FreshnessPoller {
  readonly samples: FreshnessSample[] = [];
  private readonly pending = new Map<number, Map<string, FreshnessSample>>();
  private readonly lastPollAt = new Map<number, number>();
  private readonly polling = new Set<number>();
  private readonly pollMs: number[] = [];
  private readonly failures: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: PollerOptions) {}

  add(sample: Omit<FreshnessSample, 'polls' | 'seenAtMs'>): void {
    const entry: FreshnessSample = { ...sample, polls: 0 };
    this.samples.push(entry);
    let map = this.pending.get(sample.projectId);
    if (!map) this.pending.set(sample.projectId, (map = new Map()));
    map.set(sample.traceId, entry);
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Unseen samples of `phase` (all phases when omitted). */
  pendingOf(phase?: string): number {
    let count = 0;
    for (const map of this.pending.values()) for (const sample of map.values()) if (phase === undefined || sample.phase === phase) count++;
    return count;
  }

  /** Waits until every sample of `phase` was seen or `timeoutMs` passed; returns how many are still unseen. */
  async waitSeen(phase: string, timeoutMs: number): Promise<number> {
    // Running out of time is an outcome here (those samples count as unseen), not a failure.
    await waitUntil(`samples of ${phase} seen`, async () => this.pendingOf(phase) === 0, { timeoutMs, intervalMs: 100 }).catch(() => undefined);
    return this.pendingOf(phase);
  }

  /** Stops watching the unseen samples of `phase` (they stay unseen in the figures). */
  giveUp(phase: string): void {
    for (const map of this.pending.values()) for (const [traceId, sample] of map) if (sample.phase === phase) map.delete(traceId);
  }

  figures(phase: string): FreshnessFigures {
    return freshnessFigures(this.samples.filter((s) => s.phase === phase));
  }

  pollStats(): PollStats {
    const failed = Object.values(this.failures).reduce((a, b) => a + b, 0);
    return {
      polls: this.pollMs.length + failed,
      failed,
      failures: { ...this.failures },
      p50Ms: round(percentile(this.pollMs, 50), 1),
      p95Ms: round(percentile(this.pollMs, 95), 1),
      maxMs: this.pollMs.length === 0 ? NaN : round(Math.max(...this.pollMs), 1),
    };
  }

  private tick(): void {
    const now = Date.now();
    while (this.inFlight.size < this.options.maxInFlight) {
      // The project with unseen samples whose last poll started longest ago, if that was long enough.
      let pick: number | undefined;
      for (const [projectId, map] of this.pending) {
        if (map.size === 0 || this.polling.has(projectId)) continue;
        const last = this.lastPollAt.get(projectId) ?? 0;
        if (now - last < this.options.minIntervalMs) continue;
        if (pick === undefined || last < (this.lastPollAt.get(pick) ?? 0)) pick = projectId;
      }
      if (pick === undefined) return;
      const poll = this.poll(pick).finally(() => this.inFlight.delete(poll));
      this.inFlight.add(poll);
    }
  }

  private async poll(projectId: number): Promise<void> {
    const map = this.pending.get(projectId)!;
    const batch = [...map.values()].slice(0, this.options.batch);
    this.polling.add(projectId);
    const started = Date.now();
    this.lastPollAt.set(projectId, started);
    for (const sample of batch) sample.polls++;
    const sentTimes = batch.map((s) => s.sentAtMs);
    try {
      const response = await fetch(`${this.options.queryUrl}/api/v1/projects/${projectId}/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          sql: SQL,
          params: { ids: batch.map((s) => s.traceId) },
          from: Math.min(...sentTimes) - RANGE_MARGIN_MS,
          to: Math.max(...sentTimes, started) + RANGE_MARGIN_MS,
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const answeredAt = Date.now();
      if (!response.ok) {
        const key = `${response.status} ${text.slice(0, 120)}`;
        this.failures[key] = (this.failures[key] ?? 0) + 1;
        return;
      }
      this.pollMs.push(answeredAt - started);
      const { data } = JSON.parse(text) as { data: Array<{ trace_id: string }> };
      for (const row of data) {
        const sample = map.get(row.trace_id);
        if (!sample) continue;
        sample.seenAtMs = answeredAt;
        map.delete(row.trace_id);
      }
    } catch (error) {
      const key = error instanceof Error ? error.name === 'TimeoutError' ? 'timeout' : error.message : String(error);
      this.failures[key] = (this.failures[key] ?? 0) + 1;
    } finally {
      this.polling.delete(projectId);
    }
  }
}
