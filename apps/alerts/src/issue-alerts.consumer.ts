import type { AlertsConfig } from '@pulse/config';
import type { IssueAlertEvaluator } from '@pulse/alerts';
import { decodeMessage, describeStall, KindConsumer, LagMonitor, ProgressWatch, RecordBatch, SCHEMA_HEADER, TopicNames } from '@pulse/kafka';
import { ErrorRecord, RecordKind } from '@pulse/model';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AlertsMetrics } from './alerts.metrics';

const LAG_INTERVAL_MS = 5000;

/**
 * Issue alerts read the errors topic in a consumer group of their own (`<ALERTS_GROUP_ID>.errors`),
 * so Kafka gives each partition to one alerts instance and hands it over when that instance dies.
 * Each batch is decoded and given to the IssueAlertEvaluator, which waits until the issue processor
 * has applied the same offsets and evaluates exactly once per offset range; the offsets are
 * committed after it returns. A throw (the issue processor behind, PostgreSQL or ClickHouse down)
 * retries the batch with back-off while fetching pauses, as the main consumer does. Messages the
 * main consumer dead-letters do not decode here either and are skipped.
 */
export class IssueAlertsConsumer {
  readonly progress: ProgressWatch;
  private readonly consumer: KindConsumer;
  private readonly lagMonitor: LagMonitor;

  constructor(parts: { kafka: Kafka; topics: TopicNames; config: AlertsConfig; evaluator: IssueAlertEvaluator; metrics: AlertsMetrics; logger: Logger }) {
    const { kafka, topics, config, evaluator, metrics, logger } = parts;
    const topic = topics.records[RecordKind.Error];
    const groupId = `${config.alertsGroupId}.errors`;
    this.progress = new ProgressWatch([{ kind: RecordKind.Error, topic }], config.alertsStallTimeoutMs);
    this.consumer = new KindConsumer({
      kafka,
      kind: RecordKind.Error,
      topic,
      groupId,
      tuning: {
        maxBatchRows: 5000,
        maxWaitMs: config.alertsConsumerMaxWaitMs,
        minFetchBytes: 1,
        maxFetchBytesPerPartition: 4 * 1024 * 1024,
        sessionTimeoutMs: 30_000,
        retryInitialMs: 100,
        retryMaxMs: 10_000,
      },
      events: {
        onRetry: (batch, error, delayMs, attempt) => {
          metrics.issueRetries.inc();
          const log = attempt === 1 || attempt % 10 === 0 ? logger.warn.bind(logger) : logger.debug.bind(logger);
          log({ err: error, partition: batch.partition, range: batch.range, attempt, delayMs }, 'cannot evaluate issue alerts for the batch yet; retrying');
        },
        onCrash: (_kind, error, restartInMs) => logger.error({ err: error, restartInMs }, 'issue alerts consumer crashed'),
        onRestart: (_kind, attempt) => logger.error({ attempt }, 'restarting the issue alerts consumer'),
        onRunning: (kind, running) => {
          metrics.consumerRunning.set(running ? 1 : 0);
          this.progress.setRunning(kind, running);
        },
        onAssigned: (kind, partitions) => this.progress.setAssigned(kind, partitions),
      },
      handler: async (batch) => {
        const outcome = await evaluator.evaluate(decodeErrors(batch), { topic: batch.topic, partition: batch.partition, lastOffset: batch.range.last });
        metrics.issueBatches.inc({ outcome: outcome.applied ? 'evaluated' : 'skipped' });
        for (const [trigger, count] of Object.entries(outcome.byTrigger)) if (count > 0) metrics.issueFired.inc({ trigger }, count);
      },
    });
    let stalled = false;
    this.lagMonitor = new LagMonitor(
      kafka,
      [{ groupId, topic }],
      ({ partition, lag }) => metrics.lag.set({ partition: String(partition) }, lag),
      (error) => logger.debug({ err: error }, 'cannot read the issue alerts lag'),
      (lags) => {
        this.progress.observe(lags);
        const state = this.progress.progress()[0];
        if (state.stalled !== stalled) {
          stalled = state.stalled;
          if (stalled) logger.error(`issue alerts make no progress: ${describeStall(state)}`);
          else logger.warn('issue alerts move again');
        }
      },
    );
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.lagMonitor.start(LAG_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    await this.lagMonitor.stop();
    await this.consumer.stop();
  }

  /** Empty while the consumer is in its group and moving; else what /ready reports. */
  problems(): string[] {
    return this.progress.problems();
  }
}

/** The error records of a batch; a message or record that does not decode is the main consumer's to dead-letter. */
function decodeErrors(batch: RecordBatch): ErrorRecord[] {
  const records: ErrorRecord[] = [];
  for (const message of batch.messages) {
    const decoded = decodeMessage(RecordKind.Error, message.value, message.headers[SCHEMA_HEADER]);
    if (!decoded.ok) continue;
    for (const entry of decoded.records) if (entry.ok) records.push(entry.record);
  }
  return records;
}
