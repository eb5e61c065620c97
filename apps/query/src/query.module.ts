import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, ValidationPipe } from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { ClickHouseClient } from '@clickhouse/client';
import type { EnvConfig, ProjectRegistry } from '@pulse/config';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { checkClickHouse, createClickHouse, readRollupStarts } from '@pulse/storage';
import { TOKEN_ADMISSION, TokenAdmissionInterceptor } from './admission/token-admission.interceptor';
import { TokenAdmission } from './admission/token-admission';
import { AnalyticsRepository, ClickHouseAnalyticsRepository } from './analytics.repository';
import { BearerTokenGuard } from './bearer-token.guard';
import { ErrorsController } from './errors/errors.controller';
import { ErrorsService } from './errors/errors.service';
import { GrafanaController } from './grafana/grafana.controller';
import { GrafanaService } from './grafana/grafana.service';
import { LatencyController } from './latency.controller';
import { LatencyService } from './latency.service';
import { PROJECT_REGISTRY, QUERY_LIMITS, QueryLimits, readClassLimitsFrom } from './query.tokens';
import { ReadRefusals } from './read-refusals';
import { SqlQueryController } from './sql/sql-query.controller';
import { SqlQueryService } from './sql/sql-query.service';
import { SQL_QUERY_OPTIONS, sqlQueryOptionsFrom } from './sql/sql-query.tokens';
import { ClickHouseSqlRepository, SqlRepository } from './sql/sql.repository';
import { ReleasesController } from './releases/releases.controller';
import { ReleasesService } from './releases/releases.service';
import { CachedRollupTiers, RollupTiers } from './rollup-tiers';
import { TracesController } from './traces/traces.controller';
import { TracesService } from './traces/traces.service';
import { TransactionsController } from './transactions/transactions.controller';
import { TransactionsService } from './transactions/transactions.service';
import { WebVitalsController } from './web-vitals/web-vitals.controller';
import { WebVitalsService } from './web-vitals/web-vitals.service';

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
      controllers: [LatencyController, TransactionsController, ReleasesController, WebVitalsController, ErrorsController, TracesController, SqlQueryController, GrafanaController, HealthController],
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
        ReadRefusals,
        {
          provide: AnalyticsRepository,
          inject: [CLICKHOUSE, ReadRefusals],
          useFactory: (client: ClickHouseClient, refusals: ReadRefusals) => new ClickHouseAnalyticsRepository(client, readClassLimitsFrom(env), refusals),
        },
        {
          provide: RollupTiers,
          inject: [CLICKHOUSE],
          useFactory: (client: ClickHouseClient) => {
            const logger = new Logger('RollupTiers');
            return new CachedRollupTiers(
              () => readRollupStarts(client),
              (error) => logger.warn(`cannot read rollup_tiers, reading the minute rollups only for now: ${error instanceof Error ? error.message : String(error)}`),
            );
          },
        },
        {
          provide: READINESS_CHECKS,
          inject: [CLICKHOUSE],
          useFactory: (client: ClickHouseClient): ReadinessCheck[] => [{ name: 'clickhouse', check: () => checkClickHouse(client) }],
        },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
        { provide: TOKEN_ADMISSION, useValue: tokenAdmission(env, metrics) },
        { provide: APP_INTERCEPTOR, useClass: TokenAdmissionInterceptor },
        LatencyService,
        TransactionsService,
        ReleasesService,
        WebVitalsService,
        ErrorsService,
        TracesService,
        SqlQueryService,
        GrafanaService,
        { provide: SQL_QUERY_OPTIONS, useValue: sqlQueryOptionsFrom(env) },
        { provide: SqlRepository, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseSqlRepository(client) },
        BearerTokenGuard,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}

/** The per-token slots of tenant reads, with gauges of what runs and waits over all tokens. */
function tokenAdmission(env: EnvConfig, metrics: MetricsRegistry): TokenAdmission {
  const admission = new TokenAdmission({
    maxRunning: env.queryMaxConcurrentPerToken,
    maxQueued: env.queryMaxQueuedPerToken,
    maxWaitMs: env.queryMaxQueueWaitMs,
  });
  metrics.gauge('pulse_query_reads_running', 'Tenant reads holding a token slot', [], () => admission.running);
  metrics.gauge('pulse_query_reads_queued', 'Tenant reads waiting for a token slot', [], () => admission.queued);
  return admission;
}
