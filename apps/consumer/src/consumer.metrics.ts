import { MetricsRegistry } from '@pulse/platform';

/** Rows inserted, batches, insert latency and retries, dead-lettered messages, pauses and lag per partition. */
export class ConsumerMetrics {
  readonly rowsInserted;
  readonly batches;
  readonly insertSeconds;
  readonly rejectedInserts;
  readonly retries;
  readonly paused;
  readonly deadLettered;
  readonly lag;

  constructor(metrics: MetricsRegistry) {
    this.rowsInserted = metrics.counter('pulse_consumer_rows_inserted_total', 'Rows inserted into ClickHouse', ['table']);
    this.batches = metrics.counter('pulse_consumer_batches_total', 'Batches stored and committed', ['topic']);
    this.insertSeconds = metrics.histogram('pulse_consumer_insert_seconds', 'ClickHouse insert duration', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ['table']);
    this.rejectedInserts = metrics.counter('pulse_consumer_rejected_inserts_total', 'Inserts ClickHouse refused for their data (the batch is then halved)', ['table']);
    this.retries = metrics.counter('pulse_consumer_batch_retries_total', 'Failed attempts to store a batch (retried with back-off)', ['topic']);
    this.paused = metrics.gauge('pulse_consumer_paused', '1 while fetching is paused because a batch cannot be stored', ['topic']);
    this.deadLettered = metrics.counter('pulse_consumer_dead_lettered_total', 'Messages sent to the dead-letter topic', ['topic']);
    this.lag = metrics.gauge('pulse_consumer_lag_messages', 'Messages between the committed offset and the end of the partition', ['topic', 'partition']);
  }
}
