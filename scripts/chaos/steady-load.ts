import { chaosEnvelope, ChaosEventKind, newEventId } from './envelopes';

/** A project of the run and the DSN key ingest knows it by. */
export interface LoadTarget {
  projectId: number;
  key: string;
}

/** One request to ingest, with the one event it carried and what ingest answered. */
export interface SentEvent {
  eventId: string;
  kind: ChaosEventKind;
  projectId: number;
  sentAtMs: number;
  /** When the answer (or the failure) arrived; undefined while in flight. */
  answeredAtMs?: number;
  /** HTTP status; 0 when no answer came (connection error or timeout). */
  status?: number;
  retryAfter?: string;
  /** Why no answer came. */
  error?: string;
}

export interface SteadyLoadOptions {
  ingestUrl: string;
  targets: LoadTarget[];
  /** Requests per second, open loop: the schedule does not wait for answers. */
  rate: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  /** Called every `progressEveryMs` with the counts so far. */
  onProgress?: (progress: LoadProgressCounts) => void;
  progressEveryMs?: number;
}

export interface LoadProgressCounts {
  elapsedS: number;
  sent: number;
  ok: number;
  unavailable: number;
  other: number;
  noAnswer: number;
  inFlight: number;
  skipped: number;
}

/** How often the pacer wakes up to send what is due. */
const TICK_MS = 10;

/**
 * A steady stream of envelopes to ingest at a fixed rate, one event each (transactions and errors
 * alternately, projects in turn), each with an event id known beforehand and the answer recorded.
 * Open loop: a slow or failing ingest does not slow the schedule; once `maxInFlight` requests
 * wait, the ones due are skipped (counted) instead of queued, so nothing is sent late.
 */
export class SteadyLoad {
  readonly events: SentEvent[] = [];
  skipped = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private startedAtMs = 0;
  private due = 0;

  constructor(private readonly options: SteadyLoadOptions) {}

  start(): void {
    this.startedAtMs = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    const { onProgress, progressEveryMs = 5000 } = this.options;
    if (onProgress) this.progressTimer = setInterval(() => onProgress(this.counts()), progressEveryMs);
  }

  /** Stops sending and resolves once every request in flight has its answer (or timed out). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.progressTimer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  counts(): LoadProgressCounts {
    const counts: LoadProgressCounts = { elapsedS: (Date.now() - this.startedAtMs) / 1000, sent: this.events.length, ok: 0, unavailable: 0, other: 0, noAnswer: 0, inFlight: this.inFlight.size, skipped: this.skipped };
    for (const event of this.events) {
      if (event.status === undefined) continue;
      if (event.status === 200) counts.ok++;
      else if (event.status === 503) counts.unavailable++;
      else if (event.status === 0) counts.noAnswer++;
      else counts.other++;
    }
    return counts;
  }

  private tick(): void {
    const shouldHaveSent = Math.floor(((Date.now() - this.startedAtMs) / 1000) * this.options.rate);
    while (this.due < shouldHaveSent) {
      this.due++;
      if (this.inFlight.size >= this.options.maxInFlight) {
        this.skipped++;
        continue;
      }
      const index = this.events.length;
      const target = this.options.targets[index % this.options.targets.length];
      // Alternate kinds on every other round of the projects, so each project gets both.
      const kind: ChaosEventKind = Math.floor(index / this.options.targets.length) % 2 === 0 ? 'transaction' : 'error';
      const event: SentEvent = { eventId: newEventId(), kind, projectId: target.projectId, sentAtMs: Date.now() };
      this.events.push(event);
      const request = this.send(event, target).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }
  }

  private async send(event: SentEvent, target: LoadTarget): Promise<void> {
    const url = `${this.options.ingestUrl}/api/${target.projectId}/envelope/?sentry_key=${target.key}&sentry_version=7`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: chaosEnvelope(event.kind, event.eventId, event.sentAtMs),
        headers: { 'content-type': 'application/x-sentry-envelope', 'user-agent': 'sentry.javascript.node/11.12.0' },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      await response.arrayBuffer();
      event.status = response.status;
      event.retryAfter = response.headers.get('retry-after') ?? undefined;
    } catch (error) {
      event.status = 0;
      event.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    } finally {
      event.answeredAtMs = Date.now();
    }
  }
}
