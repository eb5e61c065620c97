import { MetricsRegistry } from '@pulse/platform';
import { IngestMetrics } from '../ingest.metrics';

/** A fresh IngestMetrics, and what its pulse_ingest_events_total holds now, as `kind/outcome` → count. */
export function eventMetrics(): { metrics: IngestMetrics; counts: () => Promise<Record<string, number>> } {
  const metrics = new IngestMetrics(new MetricsRegistry('ingest', { defaultMetrics: false }));
  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await metrics.events.get()).values.map(({ labels, value }) => [`${labels.kind}/${labels.outcome}`, value]));
  return { metrics, counts };
}
