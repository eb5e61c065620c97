import 'reflect-metadata';
import { ConfigError, loadEnvConfig, loadPulseConfigFile } from '@pulse/config';
import { consumerGroupOf, createKafka, ensureTopics, KafkaBatchServer, LagMonitor, RecordKind, TopicNames } from '@pulse/kafka';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { ConsumerMetrics } from './consumer.metrics';
import { ConsumerModule } from './consumer.module';

/** How often lag is read from the broker. */
const LAG_INTERVAL_MS = 5000;

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

  const lagMonitor = new LagMonitor(
    kafka,
    Object.values(RecordKind).map((kind) => ({ groupId: consumerGroupOf(env.consumerGroupId, kind), topic: topics.records[kind] })),
    ({ topic, partition, lag }) => consumerMetrics.lag.set({ topic, partition: String(partition) }, lag),
    (error) => logger.debug({ err: error }, 'cannot read consumer lag'),
  );
  // The HTTP side serves only /health, /ready and /metrics; the work arrives through Kafka.
  const app = await createHttpApp(ConsumerModule.forRoot({ env, kafka, topics, registry, metrics, consumerMetrics, lagMonitor }), { logger, metrics });
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
          sessionTimeoutMs: env.consumerSessionTimeoutMs,
          retryInitialMs: 250,
          retryMaxMs: 30_000,
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
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  lagMonitor.start(LAG_INTERVAL_MS);
  await listen(app, env.consumerPort, env.host, logger, 'consumer');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `consumer: ${error.message}` : error);
  process.exit(1);
});
