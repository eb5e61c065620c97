import 'reflect-metadata';
import { ConfigError, loadEnvConfig } from '@pulse/config';
import { createKafka, ensureTopics, KafkaBatchServer, TopicNames } from '@pulse/kafka';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { ConsumerMetrics } from './consumer.metrics';
import { ConsumerModule } from './consumer.module';

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const logger = createLogger('consumer', env.logLevel);
  const metrics = new MetricsRegistry('consumer');
  const consumerMetrics = new ConsumerMetrics(metrics);
  const topics = new TopicNames(env.kafkaTopicPrefix);
  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: `${env.kafkaClientId}-consumer` }, (level, message, extra) => logger[level](extra, message));
  const { created, warnings } = await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: env.kafkaPartitions })));
  if (created.length > 0) logger.info({ created }, 'created Kafka topics');
  for (const warning of warnings) logger.warn(warning);

  // The HTTP side serves only /health, /ready and /metrics; the work arrives through Kafka.
  const app = await createHttpApp(ConsumerModule.forRoot({ env, kafka, topics, metrics, consumerMetrics }), { logger, metrics });
  app.connectMicroservice(
    {
      strategy: new KafkaBatchServer({
        kafka,
        groupId: env.consumerGroupId,
        topics,
        onBatchCommitted: (batch, lag) => {
          consumerMetrics.batches.inc({ topic: batch.topic, outcome: 'committed' });
          consumerMetrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, lag);
        },
        onBatchFailed: (batch, error) => {
          consumerMetrics.batches.inc({ topic: batch.topic, outcome: 'failed' });
          logger.error({ err: error, topic: batch.topic, partition: batch.partition }, 'batch failed; it will be fetched again');
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await listen(app, env.consumerPort, env.host, logger, 'consumer');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `consumer: ${error.message}` : error);
  process.exit(1);
});
