import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's Prometheus registry: process metrics (RSS, CPU, event-loop lag, GC) plus what each
 * app registers. Served on GET /metrics.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private exposition: () => Promise<string> = () => this.registry.metrics();

  /** `defaultMetrics: false` leaves out the process metrics (a cluster primary's own registry). */
  constructor(app: string, options: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ app });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'pulse_' });
  }

  /** The text GET /metrics answers: this registry's, unless `serveFrom` replaced it. */
  text(): Promise<string> {
    return this.exposition();
  }

  /**
   * Serves another exposition on GET /metrics: a cluster worker serves the whole set's, which it
   * asks its primary for (apps/ingest/src/cluster).
   */
  serveFrom(exposition: () => Promise<string>): void {
    this.exposition = exposition;
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** With `read`, the gauge takes its value from it at every scrape. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], read?: () => number): Gauge<L> {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: read && function (this: Gauge<L>) {
        this.set(read());
      },
    });
  }

  histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }
}
