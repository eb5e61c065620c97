import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's Prometheus registry: process metrics (RSS, CPU, event-loop lag, GC) plus what each
 * app registers. Served on GET /metrics.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, prefix: 'pulse_' });
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
