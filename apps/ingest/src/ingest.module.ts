import { BeforeApplicationShutdown, DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { IngestConfig, ProjectRegistry } from '@pulse/config';
import { createKafka, ensureTopics, kafkaCompression, TopicNames } from '@pulse/kafka';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import type { Logger } from 'pino';
import { IngestMetrics } from './ingest.metrics';
import { INGEST_CONFIG, LOGGER, PROJECT_REGISTRY } from './ingest.tokens';
import { KafkaRecordPublisher, RecordPublisher } from './record.publisher';
import { IngestRoutes } from './ingest.routes';
import { IngestService } from './ingest.service';
import { OtlpTracesService } from './otlp/otlp-traces.service';
import { RateLimiter } from './rate-limiter';
import { SegmentNames } from './segment-names';

export interface IngestModuleOptions {
  config: IngestConfig;
  registry: ProjectRegistry;
  logger: Logger;
  metrics: MetricsRegistry;
}

@Module({})
export class IngestModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(RecordPublisher) private readonly publisher: KafkaRecordPublisher) {}

  static forRoot({ config, registry, logger, metrics }: IngestModuleOptions): DynamicModule {
    const topics = new TopicNames(config.kafkaTopicPrefix);
    return {
      module: IngestModule,
      // The envelope and store endpoints are plain Fastify routes (IngestRoutes), not a controller.
      controllers: [HealthController],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        { provide: PROJECT_REGISTRY, useValue: registry },
        { provide: LOGGER, useValue: logger },
        { provide: MetricsRegistry, useValue: metrics },
        { provide: TopicNames, useValue: topics },
        { provide: IngestMetrics, useFactory: () => new IngestMetrics(metrics) },
        {
          provide: RateLimiter,
          inject: [INGEST_CONFIG],
          // With N worker processes behind one port each holds its own buckets: each admits 1/N of a
          // key's rate and burst, so the set admits the configured limit (docs/ingest.md, "Quotas").
          useFactory: (config: IngestConfig) => new RateLimiter({ divisor: config.ingestWorkers }),
        },
        { provide: SegmentNames, useFactory: () => new SegmentNames() },
        {
          provide: RecordPublisher,
          inject: [IngestMetrics],
          useFactory: async (ingestMetrics: IngestMetrics) => {
            const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-ingest` }, (level, message, extra) => logger[level](extra, message));
            const { created, warnings } = await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: config.kafkaPartitions })));
            if (created.length > 0) logger.info({ created }, 'created Kafka topics');
            for (const warning of warnings) logger.warn(warning);
            const publisher = new KafkaRecordPublisher(kafka, { lingerMs: config.producerLingerMs, maxBatchMessages: config.producerMaxBatchMessages, maxPendingBytes: config.producerMaxPendingBytes, compression: kafkaCompression(config.producerCompression) }, ingestMetrics, logger);
            await publisher.connect();
            return publisher;
          },
        },
        {
          provide: READINESS_CHECKS,
          inject: [RecordPublisher],
          useFactory: (publisher: KafkaRecordPublisher): ReadinessCheck[] => [{ name: 'kafka', check: () => publisher.readiness.check() }],
        },
        IngestService,
        OtlpTracesService,
        IngestRoutes,
      ],
    };
  }

  /** On SIGTERM, stop lingering: requests in flight while the server closes are answered at once. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher.drain();
  }

  /** Runs after the HTTP server stopped taking requests: the rest goes to Kafka, then disconnect. */
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
