/**
 * Names of recent transactions by span id. The streaming browser SDK sends LCP, CLS and INP spans
 * in a later envelope than their pageload, carrying only the SDK's placeholder name (`Pageload`)
 * and the pageload's span id; this lets ingest give those samples the page's real name.
 *
 * Bounded (oldest entries go first) and per process: with several ingest replicas behind a
 * load balancer without affinity, a late sample may miss and keep the placeholder. The query side
 * can always join samples to transactions by `segmentId`.
 */
export class SegmentNames {
  private readonly names = new Map<string, { name: string; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly ttlMs = 30 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(spanId: string, name: string): void {
    this.names.delete(spanId);
    this.names.set(spanId, { name, expiresAt: this.now() + this.ttlMs });
    if (this.names.size > this.maxEntries) this.names.delete(this.names.keys().next().value as string);
  }

  nameOf(spanId: string): string | undefined {
    const entry = this.names.get(spanId);
    if (!entry) return undefined;
    if (entry.expiresAt < this.now()) {
      this.names.delete(spanId);
      return undefined;
    }
    return entry.name;
  }
}
