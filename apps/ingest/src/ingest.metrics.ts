import type { RecordKind } from '@pulse/model';
import { MetricsRegistry } from '@pulse/platform';

/** The `outcome` label values of pulse_ingest_events_total: a fixed set, so client input never becomes one. */
export type EventOutcome =
  | 'accepted'
  | 'invalid'
  | 'too_deep'
  | 'bad_item_count'
  | 'processing_error'
  | 'rate_limited'
  | 'too_many_sessions'
  | 'invalid_timestamp'
  | 'overloaded'
  | 'failed'
  | 'not_stored'
  | 'unknown_type';

/** The `kind` label of each record kind, as `accepted`, `invalid_timestamp` and the clamped counter count them. */
export const RECORD_KIND_LABEL: { [K in RecordKind]: string } = { transactions: 'transaction', spans: 'span', webVitals: 'web_vital', errors: 'error', sessions: 'session', clientReports: 'client_report' };

/** What ingest counts beyond HTTP requests: events by kind and outcome, producer batches. */
export class IngestMetrics {
  readonly events;
  readonly clampedTimestamps;
  readonly producedBatches;
  readonly resentPartitions;
  readonly produceLatency;

  constructor(private readonly metrics: MetricsRegistry) {
    this.events = metrics.counter('pulse_ingest_events_total', 'Events by kind and outcome (accepted, invalid, too_deep, bad_item_count, processing_error, rate_limited, too_many_sessions, invalid_timestamp, overloaded, failed, not_stored, unknown_type)', ['kind', 'outcome']);
    this.clampedTimestamps = metrics.counter('pulse_ingest_clamped_timestamps_total', 'Records stored with their timestamp replaced by the receive time (original kept), by kind', ['kind']);
    this.producedBatches = metrics.counter('pulse_ingest_produced_batches_total', 'Kafka batches sent by outcome (ok, failed, unacknowledged: partitions left out of every answer)', ['outcome']);
    this.resentPartitions = metrics.counter('pulse_ingest_producer_resent_partitions_total', 'Partitions of a batch sent again because the Kafka client resolved without acknowledging them (kafkajs leader-move flaw, docs/chaos.md)', ['topic']);
    this.produceLatency = metrics.histogram('pulse_ingest_produce_seconds', 'Time for Kafka to acknowledge a batch', [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]);
  }

  /** Counts `count` events of one kind and outcome (`kind`: a stored item kind, a record kind's label, a dropped item type, or `unknown`). */
  countEvents(kind: string, outcome: EventOutcome, count = 1): void {
    this.events.inc({ kind, outcome }, count);
  }

  /** Exposes the producer's backlog, read at scrape time. */
  watchProducer(pending: () => { bytes: number; messages: number }): void {
    this.metrics.gauge('pulse_ingest_producer_pending_bytes', 'Bytes accepted but not yet acknowledged by Kafka', [], () => pending().bytes);
    this.metrics.gauge('pulse_ingest_producer_waiting_messages', 'Messages waiting for the next producer batch', [], () => pending().messages);
  }
}
