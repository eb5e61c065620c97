import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import type { EnvConfig } from '@pulse/config';
import { ReadinessProbe, TopicNames } from '@pulse/kafka';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { checkClickHouse, ClickHouseTransactionWriter, createClickHouse, TransactionWriter } from '@pulse/storage';
import type { Kafka } from 'kafkajs';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetterSink, KafkaDeadLetterSink } from './dead-letter.publisher';
import { TransactionBatchService } from './transaction-batch.service';
import { TransactionsConsumer } from './transactions.consumer';

export interface ConsumerModuleOptions {
  env: EnvConfig;
  kafka: Kafka;
  topics: TopicNames;
  metrics: MetricsRegistry;
  consumerMetrics: ConsumerMetrics;
}

const CLICKHOUSE = Symbol('CLICKHOUSE');

@Module({})
export class ConsumerModule implements OnApplicationShutdown {
  constructor(
    @Inject(DeadLetterSink) private readonly deadLetters: KafkaDeadLetterSink,
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseClient,
    private readonly kafkaProbe: ReadinessProbe,
  ) {}

  static forRoot({ env, kafka, topics, metrics, consumerMetrics }: ConsumerModuleOptions): DynamicModule {
    return {
      module: ConsumerModule,
      controllers: [TransactionsConsumer, HealthController],
      providers: [
        { provide: MetricsRegistry, useValue: metrics },
        { provide: ConsumerMetrics, useValue: consumerMetrics },
        { provide: CLICKHOUSE, useFactory: () => createClickHouse(env.clickhouse) },
        { provide: TransactionWriter, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseTransactionWriter(client) },
        {
          provide: DeadLetterSink,
          useFactory: async () => {
            const sink = new KafkaDeadLetterSink(kafka, topics.deadLetter);
            await sink.connect();
            return sink;
          },
        },
        { provide: ReadinessProbe, useFactory: () => new ReadinessProbe(kafka) },
        {
          provide: READINESS_CHECKS,
          inject: [ReadinessProbe, CLICKHOUSE],
          useFactory: (probe: ReadinessProbe, client: ClickHouseClient): ReadinessCheck[] => [
            { name: 'kafka', check: () => probe.check() },
            { name: 'clickhouse', check: () => checkClickHouse(client) },
          ],
        },
        TransactionBatchService,
      ],
    };
  }

  /** The Kafka consumer has left its group by now (microservices close first). */
  async onApplicationShutdown(): Promise<void> {
    await this.deadLetters.close();
    await this.kafkaProbe.close();
    await this.clickhouse.close();
  }
}
