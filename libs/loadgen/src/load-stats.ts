import { addRecords, ExpectedRecords, noRecords } from './envelope';
import { LatencyHistogram } from './latency-histogram';
import { ENVELOPE_KINDS, EnvelopeKind, EventMix } from './mix';

/** How one send ended: an HTTP status, or a network error code (ECONNREFUSED, ECONNRESET, timeout…). */
export type SendOutcome =
  | { ok: true; status: number; latencyMs: number; /** a 200 whose body names items Pulse left out */ partial: boolean }
  | { ok: false; errorCode: string; latencyMs: number };

/** Printed once a second while the run goes; counts are since the start, rates and latency over the last interval. */
export interface LoadProgress {
  elapsedS: number;
  /** Envelopes sent so far. */
  sent: number;
  /** Events sent so far (a benchmark takes the difference between two progress reports). */
  eventsSent: number;
  accepted: number;
  rejected: number;
  networkErrors: number;
  behind: number;
  inFlight: number;
  envelopesPerS: number;
  eventsPerS: number;
  /** Client latency of the sends that finished during the interval; 0 when none did. */
  p50Ms: number;
  p99Ms: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface KindCounts {
  sent: number;
  accepted: number;
  behind: number;
}

/** What the run was asked to do (with the seed, enough to replay it); the summary repeats it. */
export interface RunDescription {
  seed: number;
  /** Events per pageload or server content (`reuse`): needed with the seed to replay the run. */
  reuse?: number;
  /** Requested events/s; null in closed loop. */
  targetEventsPerS: number | null;
  concurrency: number;
  projects: number;
  mix: EventMix;
  durationS: number;
}

export interface LoadSummary extends RunDescription {
  mode: 'open-loop' | 'closed-loop';
  /** The sending window: start to the last scheduled send (shorter than durationS when stopped early). */
  elapsedS: number;
  /** Time spent waiting for the last responses after sending stopped. */
  drainS: number;
  stoppedEarly: boolean;
  envelopes: {
    /** sent + behind. */
    planned: number;
    sent: number;
    /** HTTP 2xx. */
    accepted: number;
    /** Any other HTTP status (see statuses). */
    rejected: number;
    networkErrors: number;
    /** Due while every connection was busy: not sent (open loop only). */
    behind: number;
    /** Accepted, but Pulse left some items or spans out (a generator bug if it ever happens). */
    partial: number;
  };
  events: { planned: number; sent: number; accepted: number; behind: number };
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  networkErrors: Record<string, number>;
  rate: { envelopesPerS: number; eventsPerS: number; acceptedEventsPerS: number };
  latencyMs: LatencySummary;
  /** How late sends started against their schedule (open loop; the generator's own lag). */
  scheduleLagMs: LatencySummary | null;
  byKind: Record<EnvelopeKind, KindCounts>;
  /** The records Pulse should store for the accepted envelopes (transactions, spans, vitals, errors, sessions). */
  records: ExpectedRecords;
  /**
   * CPU time of the process running the generator, over the run (sending and drain), and as a share
   * of one core: near 1 means the generator itself was the bottleneck. Includes whatever else the
   * process did meanwhile (a benchmark calling runLoad).
   */
  clientCpu: { seconds: number; shareOfOneCore: number };
}

const round = (value: number, decimals = 1): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

function latencySummary(histogram: LatencyHistogram): LatencySummary {
  return {
    count: histogram.count,
    p50: round(histogram.quantile(0.5), 2),
    p95: round(histogram.quantile(0.95), 2),
    p99: round(histogram.quantile(0.99), 2),
    max: round(histogram.max, 2),
    mean: round(histogram.mean, 2),
  };
}

/** Counters of a run. Pure bookkeeping: times are passed in, so it is tested without a clock. */
export class LoadStats {
  private readonly envelopes = { sent: 0, accepted: 0, rejected: 0, networkErrors: 0, behind: 0, partial: 0 };
  private readonly events = { sent: 0, accepted: 0, behind: 0 };
  private readonly statuses = new Map<number, number>();
  private readonly errorCodes = new Map<string, number>();
  private readonly latency = new LatencyHistogram();
  private readonly intervalLatency = new LatencyHistogram();
  private readonly lag = new LatencyHistogram();
  private readonly kinds = Object.fromEntries(ENVELOPE_KINDS.map((kind) => [kind, { sent: 0, accepted: 0, behind: 0 }])) as Record<EnvelopeKind, KindCounts>;
  private readonly records = noRecords();
  private lastProgress = { atMs: 0, sent: 0, events: 0 };

  constructor(private readonly startMs: number) {
    this.lastProgress.atMs = startMs;
  }

  recordSent(kind: EnvelopeKind, events: number, lagMs?: number): void {
    this.envelopes.sent++;
    this.events.sent += events;
    this.kinds[kind].sent++;
    if (lagMs !== undefined) this.lag.record(lagMs);
  }

  recordBehind(kind: EnvelopeKind, events: number): void {
    this.envelopes.behind++;
    this.events.behind += events;
    this.kinds[kind].behind++;
  }

  recordOutcome(kind: EnvelopeKind, events: number, expected: ExpectedRecords, outcome: SendOutcome): void {
    this.latency.record(outcome.latencyMs);
    this.intervalLatency.record(outcome.latencyMs);
    if (!outcome.ok) {
      this.envelopes.networkErrors++;
      this.errorCodes.set(outcome.errorCode, (this.errorCodes.get(outcome.errorCode) ?? 0) + 1);
      return;
    }
    this.statuses.set(outcome.status, (this.statuses.get(outcome.status) ?? 0) + 1);
    if (outcome.status < 200 || outcome.status > 299) {
      this.envelopes.rejected++;
      return;
    }
    this.envelopes.accepted++;
    this.events.accepted += events;
    this.kinds[kind].accepted++;
    if (outcome.partial) this.envelopes.partial++;
    addRecords(this.records, expected);
  }

  /** Counts since the start; rates and latency since the previous call. */
  progress(nowMs: number, inFlight: number): LoadProgress {
    const intervalS = Math.max(1e-3, (nowMs - this.lastProgress.atMs) / 1000);
    const progress: LoadProgress = {
      elapsedS: round((nowMs - this.startMs) / 1000),
      sent: this.envelopes.sent,
      eventsSent: this.events.sent,
      accepted: this.envelopes.accepted,
      rejected: this.envelopes.rejected,
      networkErrors: this.envelopes.networkErrors,
      behind: this.envelopes.behind,
      inFlight,
      envelopesPerS: round((this.envelopes.sent - this.lastProgress.sent) / intervalS),
      eventsPerS: round((this.events.sent - this.lastProgress.events) / intervalS),
      p50Ms: round(this.intervalLatency.quantile(0.5), 2),
      p99Ms: round(this.intervalLatency.quantile(0.99), 2),
    };
    this.lastProgress = { atMs: nowMs, sent: this.envelopes.sent, events: this.events.sent };
    this.intervalLatency.reset();
    return progress;
  }

  summary(run: RunDescription, timing: { elapsedS: number; drainS: number; stoppedEarly: boolean; cpuS?: number }): LoadSummary {
    const elapsedS = Math.max(1e-3, timing.elapsedS);
    return {
      seed: run.seed,
      ...(run.reuse !== undefined && { reuse: run.reuse }),
      mode: run.targetEventsPerS === null ? 'closed-loop' : 'open-loop',
      targetEventsPerS: run.targetEventsPerS,
      concurrency: run.concurrency,
      projects: run.projects,
      mix: run.mix,
      durationS: run.durationS,
      elapsedS: round(timing.elapsedS, 3),
      drainS: round(timing.drainS, 3),
      stoppedEarly: timing.stoppedEarly,
      envelopes: { planned: this.envelopes.sent + this.envelopes.behind, ...this.envelopes },
      events: { planned: this.events.sent + this.events.behind, ...this.events },
      statuses: Object.fromEntries([...this.statuses].sort(([a], [b]) => a - b).map(([status, count]) => [String(status), count])),
      networkErrors: Object.fromEntries([...this.errorCodes].sort(([a], [b]) => a.localeCompare(b))),
      rate: {
        envelopesPerS: round(this.envelopes.sent / elapsedS),
        eventsPerS: round(this.events.sent / elapsedS),
        acceptedEventsPerS: round(this.events.accepted / elapsedS),
      },
      latencyMs: latencySummary(this.latency),
      scheduleLagMs: run.targetEventsPerS === null ? null : latencySummary(this.lag),
      byKind: structuredClone(this.kinds),
      records: { ...this.records },
      clientCpu: { seconds: round(timing.cpuS ?? 0, 2), shareOfOneCore: round((timing.cpuS ?? 0) / Math.max(1e-3, timing.elapsedS + timing.drainS), 2) },
    };
  }
}
