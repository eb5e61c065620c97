import { MetricsRegistry } from '@pulse/platform';

/** What the alerts app does, per step: issue batches and firings, scheduled evaluations, deliveries, ownership. */
export class AlertsMetrics {
  readonly issueBatches;
  readonly issueFired;
  readonly issueRetries;
  readonly evaluations;
  readonly transitions;
  readonly evaluationSeconds;
  readonly clickhouseSeconds;
  readonly clickhouseQueries;
  readonly schedulerErrors;
  readonly ownedShards;
  readonly deliveries;
  readonly deliverySeconds;
  readonly lag;
  readonly consumerRunning;

  constructor(metrics: MetricsRegistry) {
    this.issueBatches = metrics.counter('pulse_alerts_issue_batches_total', 'Error batches evaluated against the issue rules (outcome: evaluated, or skipped when applied before)', ['outcome']);
    this.issueFired = metrics.counter('pulse_alerts_issue_fired_total', 'Issue rules that fired, by trigger', ['trigger']);
    this.issueRetries = metrics.counter('pulse_alerts_issue_batch_retries_total', 'Error batches retried (the issue processor had not applied them yet, or PostgreSQL or ClickHouse failed)');
    this.evaluations = metrics.counter('pulse_alerts_evaluations_total', 'Scheduled rules evaluated', ['kind']);
    this.transitions = metrics.counter('pulse_alerts_transitions_total', 'State changes of scheduled rules that notify', ['kind']);
    this.evaluationSeconds = metrics.histogram('pulse_alerts_evaluation_seconds', 'One evaluation round of the due rules of a kind', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], ['kind']);
    this.clickhouseSeconds = metrics.counter('pulse_alerts_clickhouse_seconds_total', 'Time spent in ClickHouse reads by scheduled evaluations', ['kind']);
    this.clickhouseQueries = metrics.counter('pulse_alerts_clickhouse_queries_total', 'ClickHouse reads sent by scheduled evaluations', ['kind']);
    this.schedulerErrors = metrics.counter('pulse_alerts_scheduler_errors_total', 'Evaluation rounds that failed', ['kind']);
    this.ownedShards = metrics.gauge('pulse_alerts_owned_shards', 'Rule shards this instance holds the lease of');
    this.deliveries = metrics.counter('pulse_alerts_deliveries_total', 'Delivery attempts by destination and outcome (delivered, retry, failed)', ['destination', 'outcome']);
    this.deliverySeconds = metrics.histogram('pulse_alerts_delivery_seconds', 'One delivery call', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ['destination']);
    this.lag = metrics.gauge('pulse_alerts_errors_lag_messages', 'Messages of the errors topic the issue alerts have not evaluated yet', ['partition']);
    this.consumerRunning = metrics.gauge('pulse_alerts_consumer_running', '1 while the issue alerts consumer is a member of its group');
  }
}
