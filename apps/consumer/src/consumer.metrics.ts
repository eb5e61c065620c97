import { MetricsRegistry } from '@pulse/platform';

/** Rows inserted, batches, insert latency, dead-lettered messages and lag per partition. */
export class ConsumerMetrics {
  readonly rowsInserted;
  readonly batches;
  readonly insertSeconds;
  readonly deadLettered;
  readonly lag;

  constructor(metrics: MetricsRegistry) {
    this.rowsInserted = metrics.counter('pulse_consumer_rows_inserted_total', 'Rows inserted into ClickHouse', ['table']);
    this.batches = metrics.counter('pulse_consumer_batches_total', 'Kafka batches handled by outcome', ['topic', 'outcome']);
    this.insertSeconds = metrics.histogram('pulse_consumer_insert_seconds', 'ClickHouse insert duration', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ['table']);
    this.deadLettered = metrics.counter('pulse_consumer_dead_lettered_total', 'Messages sent to the dead-letter topic', ['topic']);
    this.lag = metrics.gauge('pulse_consumer_lag_messages', 'Messages behind the high watermark after the last committed batch', ['topic', 'partition']);
  }
}
