import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ConsumerConfig, ProjectRegistry } from '@pulse/config';
import { IssueRecorder } from '@pulse/issues';
import { LagMonitor, ProgressWatch, ReadinessProbe, TopicNames } from '@pulse/kafka';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { checkPostgres, createPostgresPool } from '@pulse/state';
import { checkClickHouse, BinaryRowWriter, ClickHouseBinaryRowWriter, ClickHouseRecordKeyStore, createClickHouse, RecordKeyStore } from '@pulse/storage';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetterSink, KafkaDeadLetterSink } from './dead-letter.sink';
import { IssueSink } from './issue.step';
import { RecordBatchService } from './record-batch.service';
import { RecordsConsumer } from './records.consumer';
import { RetentionPolicy } from './retention-policy';

export interface ConsumerModuleOptions {
  config: ConsumerConfig;
  kafka: Kafka;
  topics: TopicNames;
  registry: ProjectRegistry;
  metrics: MetricsRegistry;
  consumerMetrics: ConsumerMetrics;
  /** Started by main once the consumers run; stopped here. */
  lagMonitor: LagMonitor;
  /** Whether every kind's consumer runs and moves, for /ready. */
  progress: ProgressWatch;
}

const CLICKHOUSE = Symbol('CLICKHOUSE');
/** The PostgreSQL pool of the issue processor (DATABASE_URL). */
const POSTGRES = Symbol('POSTGRES');

@Module({})
export class ConsumerModule implements OnApplicationShutdown {
  constructor(
    @Inject(DeadLetterSink) private readonly deadLetters: KafkaDeadLetterSink,
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseClient,
    @Inject(POSTGRES) private readonly postgres: Pool,
    private readonly kafkaProbe: ReadinessProbe,
    private readonly lagMonitor: LagMonitor,
  ) {}

  static forRoot({ config, kafka, topics, registry, metrics, consumerMetrics, lagMonitor, progress }: ConsumerModuleOptions): DynamicModule {
    return {
      module: ConsumerModule,
      controllers: [RecordsConsumer, HealthController],
      providers: [
        { provide: MetricsRegistry, useValue: metrics },
        { provide: ConsumerMetrics, useValue: consumerMetrics },
        { provide: LagMonitor, useValue: lagMonitor },
        { provide: RetentionPolicy, useValue: new RetentionPolicy(registry, config.defaultRetentionDays) },
        // A ClickHouse that stops answering fails the insert after this long; it is retried under the same token.
        { provide: CLICKHOUSE, useFactory: () => createClickHouse(config.clickhouse, { requestTimeoutMs: config.consumerInsertTimeoutMs }) },
        { provide: BinaryRowWriter, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseBinaryRowWriter(client) },
        { provide: RecordKeyStore, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseRecordKeyStore(client) },
        // One transaction per error batch and partition at a time: a connection per partition worked on concurrently, plus the readiness check.
        { provide: POSTGRES, useFactory: () => createPostgresPool({ url: config.databaseUrl, maxConnections: config.consumerPartitionsConcurrently + 2, applicationName: 'pulse-consumer' }) },
        { provide: IssueSink, inject: [POSTGRES], useFactory: (pool: Pool) => new IssueRecorder(pool) },
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
          inject: [ReadinessProbe, CLICKHOUSE, POSTGRES],
          useFactory: (probe: ReadinessProbe, client: ClickHouseClient, pool: Pool): ReadinessCheck[] => [
            { name: 'kafka', check: () => probe.check() },
            { name: 'clickhouse', check: () => checkClickHouse(client) },
            { name: 'postgres', check: () => checkPostgres(pool) },
            { name: 'consumers', check: async () => assertMoving(progress) },
          ],
        },
        RecordBatchService,
      ],
    };
  }

  /** The Kafka consumers have left their groups by now (microservices close first). */
  async onApplicationShutdown(): Promise<void> {
    await this.lagMonitor.stop();
    await this.deadLetters.close();
    await this.kafkaProbe.close();
    await this.clickhouse.close();
    await this.postgres.end();
  }
}

/** Every kind's consumer is in its group and none has lag it has not committed past for the stall time. */
function assertMoving(progress: ProgressWatch): void {
  const problems = progress.problems();
  if (problems.length > 0) throw new Error(problems.join('; '));
}
