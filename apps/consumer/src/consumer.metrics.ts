import { MetricsRegistry } from '@pulse/platform';

/** Rows inserted, batches, insert latency and retries, dead-lettered messages, pauses, lag per partition, and the issue processor's outcomes. */
export class ConsumerMetrics {
  readonly rowsInserted;
  readonly batches;
  readonly insertSeconds;
  readonly rejectedInserts;
  readonly retries;
  readonly paused;
  readonly deadLettered;
  readonly duplicates;
  readonly lag;
  readonly crashes;
  readonly restarts;
  readonly running;
  readonly stalled;
  readonly issuesCreated;
  readonly issuesRegressed;
  readonly issuesEscalated;
  readonly issueBatchesSkipped;

  constructor(metrics: MetricsRegistry) {
    this.rowsInserted = metrics.counter('pulse_consumer_rows_inserted_total', 'Rows inserted into ClickHouse', ['table']);
    this.batches = metrics.counter('pulse_consumer_batches_total', 'Batches stored and committed', ['topic']);
    this.insertSeconds = metrics.histogram('pulse_consumer_insert_seconds', 'ClickHouse insert duration', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ['table']);
    this.rejectedInserts = metrics.counter('pulse_consumer_rejected_inserts_total', 'Inserts ClickHouse refused for their data (the batch is then halved)', ['table']);
    this.retries = metrics.counter('pulse_consumer_batch_retries_total', 'Failed attempts to store a batch (retried with back-off)', ['topic']);
    this.paused = metrics.gauge('pulse_consumer_paused', '1 while fetching is paused because a batch cannot be stored', ['topic']);
    this.deadLettered = metrics.counter('pulse_consumer_dead_lettered_total', 'Messages sent to the dead-letter topic', ['topic']);
    this.duplicates = metrics.counter('pulse_consumer_duplicates_total', 'Records not stored because the same record was stored already (a client re-send)', ['kind']);
    this.lag = metrics.gauge('pulse_consumer_lag_messages', 'Messages between the committed offset and the end of the partition', ['topic', 'partition']);
    this.crashes = metrics.counter('pulse_consumer_crashes_total', 'Crashes of a kind\'s kafkajs consumer (restarted by kafkajs or by Pulse)', ['kind']);
    this.restarts = metrics.counter('pulse_consumer_restarts_total', 'Fresh consumers Pulse started after a crash kafkajs does not restart from', ['kind']);
    this.running = metrics.gauge('pulse_consumer_running', '1 while the kind\'s consumer is a member of its group', ['kind']);
    this.issuesCreated = metrics.counter('pulse_issues_created_total', 'Issues the issue processor created (a fingerprint seen for the first time)');
    this.issuesRegressed = metrics.counter('pulse_issues_regressed_total', 'Resolved issues reopened as regressed by a new event');
    this.issuesEscalated = metrics.counter('pulse_issues_escalated_total', 'Ignored issues reopened as escalating (an ignore condition was met)');
    this.issueBatchesSkipped = metrics.counter('pulse_issues_batches_skipped_total', 'Error batches whose offsets PostgreSQL had applied already (a replay), so not applied again');
    this.stalled = metrics.gauge('pulse_consumer_stalled', '1 while the kind has lag and its committed offset has not moved for CONSUMER_STALL_TIMEOUT_MS', ['kind']);
  }
}
