import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReadinessProbe } from '@pulse/kafka';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { checkPostgres } from '@pulse/state';
import { checkClickHouse } from '@pulse/storage';
import { deliveryLoopProblem } from '@pulse/alerts';
import type { Kafka } from 'kafkajs';
import type { AlertsParts } from './alerts-parts';
import type { IssueAlertsConsumer } from './issue-alerts.consumer';

export interface AlertsModuleOptions {
  kafka: Kafka;
  parts: AlertsParts;
  consumer: IssueAlertsConsumer;
  metrics: MetricsRegistry;
  /** ALERTS_TICK_MS: how often the scheduler should finish a tick. */
  tickMs: number;
}

const PARTS = Symbol('ALERTS_PARTS');
const CONSUMER = Symbol('ISSUE_ALERTS_CONSUMER');

/**
 * How many ticks the scheduler may miss before /ready says so: a tick that hangs (a ClickHouse read
 * past its limit, a lock) stops every metric and release rule of the shards this instance holds.
 */
const MISSED_TICKS = 10;

/**
 * The HTTP side serves /health, /ready and /metrics only; the work is the consumer, the scheduler
 * and the outbox. /ready is 503 when PostgreSQL, ClickHouse or Kafka is out of reach, when the issue
 * alerts consumer is out of its group or has lag it does not move past, and when the scheduler has
 * not finished a tick for MISSED_TICKS ticks or its last tick could not renew its shard leases, and
 * when the outbox worker is stopped or has not finished a pass within the longest a healthy pass
 * takes (every call bounded by its lease: deliveryLoopProblem of @pulse/alerts).
 */
@Module({})
export class AlertsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PARTS) private readonly parts: AlertsParts,
    @Inject(CONSUMER) private readonly consumer: IssueAlertsConsumer,
    private readonly kafkaProbe: ReadinessProbe,
  ) {}

  static forRoot({ kafka, parts, consumer, metrics, tickMs }: AlertsModuleOptions): DynamicModule {
    return {
      module: AlertsModule,
      controllers: [HealthController],
      providers: [
        { provide: MetricsRegistry, useValue: metrics },
        { provide: PARTS, useValue: parts },
        { provide: CONSUMER, useValue: consumer },
        { provide: ReadinessProbe, useFactory: () => new ReadinessProbe(kafka) },
        {
          provide: READINESS_CHECKS,
          inject: [ReadinessProbe],
          useFactory: (probe: ReadinessProbe): ReadinessCheck[] => [
            { name: 'kafka', check: () => probe.check() },
            { name: 'clickhouse', check: () => checkClickHouse(parts.clickhouse) },
            { name: 'postgres', check: () => checkPostgres(parts.pool) },
            { name: 'issue-alerts', check: async () => assertNoProblems(consumer.problems()) },
            { name: 'scheduler', check: async () => assertTicking(parts, tickMs) },
            { name: 'outbox', check: async () => assertNoProblems(problemsOf(deliveryLoopProblem(parts.deliveries.status(), Date.now()))) },
          ],
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    this.parts.scheduler.start();
    this.parts.deliveries.start();
  }

  /** The consumer has left its group by now or leaves it here; the scheduler and the outbox release their leases and claims. */
  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await Promise.allSettled([this.parts.scheduler.stop(), this.parts.deliveries.stop()]);
    await this.kafkaProbe.close();
    await this.parts.clickhouse.close();
    await this.parts.pool.end();
  }
}

const problemsOf = (problem: string | undefined): string[] => (problem === undefined ? [] : [problem]);

function assertNoProblems(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('; '));
}

function assertTicking(parts: AlertsParts, tickMs: number): void {
  const status = parts.scheduler.status();
  if (!status.running) throw new Error('the rule scheduler is not running');
  if (status.lastTickAtMs === null) throw new Error('the rule scheduler has not finished its first tick');
  const sinceMs = Date.now() - status.lastTickAtMs;
  const { lastError } = status;
  // A tick that could not renew its leases goes on with the leases that still hold, then with none: not ready.
  if (lastError !== null && lastError.source === 'leases' && lastError.atMs >= status.lastTickAtMs) throw new Error(`the rule scheduler cannot renew its shard leases: ${lastError.message}`);
  if (sinceMs > tickMs * MISSED_TICKS) throw new Error(`the rule scheduler has not finished a tick for ${Math.round(sinceMs / 1000)} s${status.lastError ? ` (last error: ${status.lastError.message})` : ''}`);
}
