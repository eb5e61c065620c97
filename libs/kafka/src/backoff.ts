/** Exponential back-off: `initialMs`, doubled after every failure, never above `maxMs`. */
export class Backoff {
  private next: number;

  constructor(
    initialMs: number,
    private readonly maxMs: number,
  ) {
    this.next = initialMs;
  }

  /** The wait before the next attempt; each call doubles the one after. */
  delay(): number {
    const delay = this.next;
    this.next = Math.min(this.next * 2, this.maxMs);
    return delay;
  }
}
