import { DynamicModule, Inject, Module, OnApplicationShutdown, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import type { ClickHouseClient } from '@clickhouse/client';
import type { EnvConfig, ProjectRegistry } from '@pulse/config';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { checkClickHouse, createClickHouse } from '@pulse/storage';
import { AnalyticsRepository, ClickHouseAnalyticsRepository } from './analytics.repository';
import { BearerTokenGuard } from './bearer-token.guard';
import { LatencyController } from './latency.controller';
import { LatencyService } from './latency.service';
import { PROJECT_REGISTRY, QUERY_LIMITS, QueryLimits } from './query.tokens';

export interface QueryModuleOptions {
  env: EnvConfig;
  registry: ProjectRegistry;
  metrics: MetricsRegistry;
}

const CLICKHOUSE = Symbol('CLICKHOUSE');

@Module({})
export class QueryModule implements OnApplicationShutdown {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseClient) {}

  static forRoot({ env, registry, metrics }: QueryModuleOptions): DynamicModule {
    const limits: QueryLimits = { maxExecutionSeconds: env.queryMaxExecutionSeconds, maxRangeDays: env.queryMaxRangeDays, maxPoints: env.queryMaxPoints };
    return {
      module: QueryModule,
      controllers: [LatencyController, HealthController],
      providers: [
        { provide: PROJECT_REGISTRY, useValue: registry },
        { provide: QUERY_LIMITS, useValue: limits },
        { provide: MetricsRegistry, useValue: metrics },
        {
          provide: CLICKHOUSE,
          useFactory: () =>
            createClickHouse(
              env.clickhouse,
              // The HTTP request may outlive max_execution_time slightly; the server stops the query.
              { requestTimeoutMs: (env.queryMaxExecutionSeconds + 5) * 1000 },
            ),
        },
        { provide: AnalyticsRepository, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseAnalyticsRepository(client, env.queryMaxExecutionSeconds) },
        {
          provide: READINESS_CHECKS,
          inject: [CLICKHOUSE],
          useFactory: (client: ClickHouseClient): ReadinessCheck[] => [{ name: 'clickhouse', check: () => checkClickHouse(client) }],
        },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, transform: true }) },
        LatencyService,
        BearerTokenGuard,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}
