/**
 * Open-loop schedule: the k-th event is due at `start + k / rate`, whatever happened to the ones
 * before it (a slow server does not slow the arrivals down, as with real users). Each envelope is
 * due at the time of the first event it carries; an envelope without events (the late Web Vitals
 * of a page) is due with the next event. Times are computed from the count, never accumulated, so
 * rounding does not drift over a long run.
 */
export class OpenLoopPacer {
  private eventsScheduled = 0;

  constructor(
    private readonly eventsPerS: number,
    private readonly startMs: number,
    private readonly endMs: number,
  ) {
    if (!(eventsPerS > 0) || !Number.isFinite(eventsPerS)) throw new Error(`the rate must be a positive number of events/s, got ${eventsPerS}`);
  }

  /** When the next envelope is due. */
  nextDueMs(): number {
    return this.startMs + (this.eventsScheduled * 1000) / this.eventsPerS;
  }

  /** No more envelopes: the next one would be due at or after the end of the run. */
  get finished(): boolean {
    return this.nextDueMs() >= this.endMs;
  }

  /** Something is due at `nowMs` and the run has not ended. */
  isDue(nowMs: number): boolean {
    return !this.finished && this.nextDueMs() <= nowMs;
  }

  /** Takes the next slot for an envelope of `events` events; returns when it was due. */
  take(events: number): number {
    const dueMs = this.nextDueMs();
    this.eventsScheduled += events;
    return dueMs;
  }
}
