import 'reflect-metadata';
import { ConfigError, loadEnvConfig, loadPulseConfigFile } from '@pulse/config';
import { consumerGroupOf, createKafka, describeStall, ensureTopics, KafkaBatchServer, LagMonitor, ProgressWatch, RecordKind, TopicNames } from '@pulse/kafka';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import type { Logger } from 'pino';
import { ConsumerMetrics } from './consumer.metrics';
import { ConsumerModule } from './consumer.module';

/** How often lag is read from the broker (more often when the stall time is short). */
const LAG_INTERVAL_MS = 5000;
const PROGRESS_REPORT_MS = 1000;

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const registry = loadPulseConfigFile(env.pulseConfigPath);
  const logger = createLogger('consumer', env.logLevel);
  const metrics = new MetricsRegistry('consumer');
  const consumerMetrics = new ConsumerMetrics(metrics);
  const topics = new TopicNames(env.kafkaTopicPrefix);
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: `${env.kafkaClientId}-consumer` }, (level, message, extra) => logger[level](extra, message));
  const { created, warnings } = await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: env.kafkaPartitions })));
  if (created.length > 0) logger.info({ created }, 'created Kafka topics');
  for (const warning of warnings) logger.warn(warning);

  const progress = new ProgressWatch(Object.values(RecordKind).map((kind) => ({ kind, topic: topics.records[kind] })), env.consumerStallTimeoutMs);
  const reportProgress = progressReporter(progress, consumerMetrics, logger);
  const lagMonitor = new LagMonitor(
    kafka,
    Object.values(RecordKind).map((kind) => ({ groupId: consumerGroupOf(env.consumerGroupId, kind), topic: topics.records[kind] })),
    ({ topic, partition, lag }) => consumerMetrics.lag.set({ topic, partition: String(partition) }, lag),
    (error) => logger.debug({ err: error }, 'cannot read consumer lag'),
    (lags) => {
      progress.observe(lags);
      reportProgress();
    },
  );
  // The HTTP side serves only /health, /ready and /metrics; the work arrives through Kafka.
  const app = await createHttpApp(ConsumerModule.forRoot({ env, kafka, topics, registry, metrics, consumerMetrics, lagMonitor, progress }), { logger, metrics, timeouts: env.httpTimeouts, metricsToken: registry.metricsToken });
  app.connectMicroservice(
    {
      strategy: new KafkaBatchServer({
        kafka,
        groupIdPrefix: env.consumerGroupId,
        topics,
        tuning: {
          maxBatchRows: env.consumerMaxBatchRows,
          maxWaitMs: env.consumerMaxWaitMs,
          minFetchBytes: env.consumerMinFetchBytes,
          maxFetchBytesPerPartition: env.consumerMaxFetchBytesPerPartition,
          partitionsConcurrently: env.consumerPartitionsConcurrently,
          sessionTimeoutMs: env.consumerSessionTimeoutMs,
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
          onCrash: (kind, error, restartInMs) => {
            consumerMetrics.crashes.inc({ kind });
            const what = restartInMs === undefined ? 'kafkajs restarts it' : `kafkajs will not restart it; Pulse starts a fresh consumer in ${restartInMs} ms`;
            logger.error({ err: error, kind, restartInMs }, `consumer of ${kind} crashed: ${what}`);
          },
          onRestart: (kind, attempt) => {
            consumerMetrics.restarts.inc({ kind });
            logger.error({ kind, attempt }, `restarting the consumer of ${kind} (attempt ${attempt})`);
          },
          onRestartFailed: (kind, error, attempt, retryInMs) => logger.error({ err: error, kind, attempt, retryInMs }, `restart of the consumer of ${kind} failed; next attempt in ${retryInMs} ms`),
          onRunning: (kind, running) => {
            consumerMetrics.running.set({ kind }, running ? 1 : 0);
            progress.setRunning(kind, running);
          },
          onAssigned: (kind, partitions) => progress.setAssigned(kind, partitions),
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  lagMonitor.start(Math.min(LAG_INTERVAL_MS, Math.ceil(env.consumerStallTimeoutMs / 4)));
  // A stall is a matter of time as much as of readings: judged every second, as /ready does on each call.
  setInterval(reportProgress, PROGRESS_REPORT_MS).unref();
  await listen(app, env.consumerPort, env.host, logger, 'consumer');
}

/** After each lag round: the stalled gauges, and one log line when a kind stalls and when it moves again. */
function progressReporter(progress: ProgressWatch, consumerMetrics: ConsumerMetrics, logger: Logger): () => void {
  const stalled = new Set<RecordKind>();
  return () => {
    for (const state of progress.progress()) {
      consumerMetrics.stalled.set({ kind: state.kind }, state.stalled ? 1 : 0);
      if (state.stalled && !stalled.has(state.kind)) {
        stalled.add(state.kind);
        const { kind, stalledForMs, stalledLag, stalledPartitions } = state;
        logger.error({ kind, stalledForMs, lag: stalledLag, partitions: stalledPartitions }, `consumer makes no progress: ${describeStall(state)}`);
      } else if (!state.stalled && stalled.delete(state.kind)) {
        logger.warn({ kind: state.kind }, `consumer of ${state.kind} moves again`);
      }
    }
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `consumer: ${error.message}` : error);
  process.exit(1);
});
