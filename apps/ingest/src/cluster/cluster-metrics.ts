import type { Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { MetricsRegistry } from '@pulse/platform';
import { AggregatorRegistry, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

/**
 * GET /metrics of a cluster worker answers for the whole set: the worker asks the primary over
 * IPC, the primary asks every worker for its registry as JSON, sums them with prom-client's
 * AggregatorRegistry (counters and histograms add up, gauges as each metric's aggregator says)
 * together with its own metrics (workers running, crashes, restarts), and sends the text back.
 * The token check stays in the worker's Fastify hook: nothing reaches the primary unauthenticated.
 */
type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

export type ClusterMetricsMessage =
  | { type: 'pulse:metrics:request'; id: string }
  | { type: 'pulse:metrics:text'; id: string; text?: string; error?: string }
  | { type: 'pulse:metrics:collect'; id: string }
  | { type: 'pulse:metrics:collected'; id: string; metrics?: MetricsJson; error?: string };

function isClusterMetricsMessage(message: unknown): message is ClusterMetricsMessage {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('pulse:metrics:');
}

/** Worker side: answers the primary's collection requests and serves the set's metrics on /metrics. */
export function serveClusterMetrics(metrics: MetricsRegistry, timeoutMs: number): void {
  const waiting = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  process.on('message', (message: unknown) => {
    if (!isClusterMetricsMessage(message)) return;
    if (message.type === 'pulse:metrics:collect') {
      metrics.registry.getMetricsAsJSON().then(
        (json) => process.send?.({ type: 'pulse:metrics:collected', id: message.id, metrics: json as MetricsJson }),
        (error: unknown) => process.send?.({ type: 'pulse:metrics:collected', id: message.id, error: String(error) }),
      );
    } else if (message.type === 'pulse:metrics:text') {
      const request = waiting.get(message.id);
      if (!request) return;
      waiting.delete(message.id);
      clearTimeout(request.timer);
      if (message.text !== undefined) request.resolve(message.text);
      else request.reject(new Error(`the ingest primary could not aggregate metrics: ${message.error ?? 'no answer'}`));
    }
  });
  metrics.serveFrom(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the ingest primary did not answer for metrics within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { resolve, reject, timer });
        // Without a channel to the primary (it died) nothing answers: the timer settles the request.
        process.send?.({ type: 'pulse:metrics:request', id });
      }),
  );
}

/**
 * Primary side: aggregates the registries of every connected worker with the primary's own.
 * A worker that does not answer within `timeoutMs` (dying, stuck) is left out of that scrape and
 * counted in `pulse_ingest_metrics_workers_missing`, so a scrape never hangs and never hides it.
 */
export class ClusterMetricsAggregator {
  private readonly pending = new Map<string, { answers: MetricsJson[]; waitingFor: Set<number>; finish: () => void }>();
  private readonly missing;

  constructor(
    private readonly own: MetricsRegistry,
    private readonly workers: () => Worker[],
    private readonly timeoutMs: number,
  ) {
    this.missing = own.gauge('pulse_ingest_metrics_workers_missing', 'Workers that did not answer the last metrics scrape in time (their counts are left out of it)');
  }

  /** Routes a worker's IPC message; true when it was a metrics message. */
  handle(worker: Worker, message: unknown): boolean {
    if (!isClusterMetricsMessage(message)) return false;
    if (message.type === 'pulse:metrics:request') {
      this.text().then(
        (text) => worker.isConnected() && worker.send({ type: 'pulse:metrics:text', id: message.id, text }),
        (error: unknown) => worker.isConnected() && worker.send({ type: 'pulse:metrics:text', id: message.id, error: String(error) }),
      );
    } else if (message.type === 'pulse:metrics:collected') {
      const request = this.pending.get(message.id);
      if (!request || !request.waitingFor.delete(worker.id)) return true;
      if (message.metrics) request.answers.push(message.metrics);
      if (request.waitingFor.size === 0) request.finish();
    }
    return true;
  }

  /** The Prometheus text of the whole set. */
  async text(): Promise<string> {
    const id = randomUUID();
    const workers = this.workers().filter((w) => w.isConnected());
    const answers: MetricsJson[] = [];
    const waitingFor = new Set(workers.map((w) => w.id));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), this.timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve();
      };
      this.pending.set(id, { answers, waitingFor, finish });
      for (const worker of workers) worker.send({ type: 'pulse:metrics:collect', id });
      if (waitingFor.size === 0) finish();
    });
    this.missing.set(waitingFor.size);
    answers.push((await this.own.registry.getMetricsAsJSON()) as MetricsJson);
    return (AggregatorRegistry.aggregate(answers as Parameters<typeof AggregatorRegistry.aggregate>[0]) as Registry).metrics();
  }
}
