import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConsumerConfig } from '@pulse/config';
import { consumerGroupOf, createKafka, describeStall, ensureTopics, kafkaNameOf, KafkaBatchServer, LagMonitor, ProgressWatch, TopicNames } from '@pulse/kafka';
import { RECORD_KINDS, RecordKind } from '@pulse/model';
import type { AppContext, AppModule } from '@pulse/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { ConsumerMetrics } from './consumer.metrics';
import { ConsumerModule } from './consumer.module';

/** How often lag is read from the broker (more often when the stall time is short). */
const LAG_INTERVAL_MS = 5000;
const PROGRESS_REPORT_MS = 1000;

/**
 * The consumer's part of its start (runApp does the rest): the Kafka client and topics, the watch
 * on every kind's progress fed by the lag monitor, the module, and the Kafka microservice that
 * does the work, started before the HTTP side listens.
 */
export async function consumerApp({ config, registry, logger, metrics }: AppContext<ConsumerConfig>): Promise<AppModule> {
  const consumerMetrics = new ConsumerMetrics(metrics);
  const topics = new TopicNames(config.kafkaTopicPrefix);
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-consumer` }, (level, message, extra) => logger[level](extra, message));
  const { created, warnings } = await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: config.kafkaPartitions })));
  if (created.length > 0) logger.info({ created }, 'created Kafka topics');
  for (const warning of warnings) logger.warn(warning);

  const progress = new ProgressWatch(RECORD_KINDS.map((kind) => ({ kind, topic: topics.records[kind] })), config.consumerStallTimeoutMs);
  const reportProgress = progressReporter(progress, consumerMetrics, logger);
  const lagMonitor = new LagMonitor(
    kafka,
    RECORD_KINDS.map((kind) => ({ groupId: consumerGroupOf(config.consumerGroupId, kind), topic: topics.records[kind] })),
    ({ topic, partition, lag }) => consumerMetrics.lag.set({ topic, partition: String(partition) }, lag),
    (error) => logger.debug({ err: error }, 'cannot read consumer lag'),
    (lags) => {
      progress.observe(lags);
      reportProgress();
    },
  );
  return {
    // The HTTP side serves only /health, /ready and /metrics; the work arrives through Kafka.
    module: ConsumerModule.forRoot({ config, kafka, topics, registry, metrics, consumerMetrics, lagMonitor, progress }),
    beforeListen: (app) => startConsuming(app, { config, kafka, topics, logger, consumerMetrics, progress, lagMonitor, reportProgress }),
  };
}

interface ConsumingParts {
  config: ConsumerConfig;
  kafka: Kafka;
  topics: TopicNames;
  logger: Logger;
  consumerMetrics: ConsumerMetrics;
  progress: ProgressWatch;
  lagMonitor: LagMonitor;
  /** The one progressReporter: it remembers which kinds it reported stalled. */
  reportProgress: () => void;
}

async function startConsuming(app: NestFastifyApplication, { config, kafka, topics, logger, consumerMetrics, progress, lagMonitor, reportProgress }: ConsumingParts): Promise<void> {
  app.connectMicroservice(
    {
      strategy: new KafkaBatchServer({
        kafka,
        groupIdPrefix: config.consumerGroupId,
        topics,
        tuning: {
          maxBatchRows: config.consumerMaxBatchRows,
          maxWaitMs: config.consumerMaxWaitMs,
          minFetchBytes: config.consumerMinFetchBytes,
          maxFetchBytesPerPartition: config.consumerMaxFetchBytesPerPartition,
          partitionsConcurrently: config.consumerPartitionsConcurrently,
          sessionTimeoutMs: config.consumerSessionTimeoutMs,
          retryInitialMs: 250,
          retryMaxMs: 30_000,
          restartInitialMs: 1000,
          restartMaxMs: 60_000,
        },
        events: {
          onCommitted: (batch) => consumerMetrics.batches.inc({ topic: batch.topic }),
          onRetry: (batch, error, delayMs, attempt) => {
            consumerMetrics.retries.inc({ topic: batch.topic });
            const log = attempt === 1 || attempt % 10 === 0 ? logger.warn.bind(logger) : logger.debug.bind(logger);
            log({ err: error, topic: batch.topic, partition: batch.partition, range: batch.range, attempt, delayMs }, 'cannot store batch; retrying with the same token');
          },
          onPause: (topic, paused) => {
            consumerMetrics.paused.set({ topic }, paused ? 1 : 0);
            logger.warn({ topic }, paused ? 'paused fetching until the batch in hand is stored' : 'resumed fetching');
          },
          // Metrics and logs name a kind by its Kafka name (`web-vitals`), as its topic and group do.
          onCrash: (recordKind, error, restartInMs) => {
            const kind = kafkaNameOf(recordKind);
            consumerMetrics.crashes.inc({ kind });
            const what = restartInMs === undefined ? 'kafkajs restarts it' : `kafkajs will not restart it; Pulse starts a fresh consumer in ${restartInMs} ms`;
            logger.error({ err: error, kind, restartInMs }, `consumer of ${kind} crashed: ${what}`);
          },
          onRestart: (recordKind, attempt) => {
            const kind = kafkaNameOf(recordKind);
            consumerMetrics.restarts.inc({ kind });
            logger.error({ kind, attempt }, `restarting the consumer of ${kind} (attempt ${attempt})`);
          },
          onRestartFailed: (recordKind, error, attempt, retryInMs) => {
            const kind = kafkaNameOf(recordKind);
            logger.error({ err: error, kind, attempt, retryInMs }, `restart of the consumer of ${kind} failed; next attempt in ${retryInMs} ms`);
          },
          onRunning: (kind, running) => {
            consumerMetrics.running.set({ kind: kafkaNameOf(kind) }, running ? 1 : 0);
            progress.setRunning(kind, running);
          },
          onAssigned: (kind, partitions) => progress.setAssigned(kind, partitions),
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  lagMonitor.start(Math.min(LAG_INTERVAL_MS, Math.ceil(config.consumerStallTimeoutMs / 4)));
  // A stall is a matter of time as much as of readings: judged every second, as /ready does on each call.
  setInterval(reportProgress, PROGRESS_REPORT_MS).unref();
}

/** After each lag round: the stalled gauges, and one log line when a kind stalls and when it moves again. */
function progressReporter(progress: ProgressWatch, consumerMetrics: ConsumerMetrics, logger: Logger): () => void {
  const stalled = new Set<RecordKind>();
  return () => {
    for (const state of progress.progress()) {
      const kind = kafkaNameOf(state.kind);
      consumerMetrics.stalled.set({ kind }, state.stalled ? 1 : 0);
      if (state.stalled && !stalled.has(state.kind)) {
        stalled.add(state.kind);
        const { stalledForMs, stalledLag, stalledPartitions } = state;
        logger.error({ kind, stalledForMs, lag: stalledLag, partitions: stalledPartitions }, `consumer makes no progress: ${describeStall(state)}`);
      } else if (!state.stalled && stalled.delete(state.kind)) {
        logger.warn({ kind }, `consumer of ${kind} moves again`);
      }
    }
  };
}
