import { DynamicModule, Inject, Module, OnApplicationShutdown, ValidationPipe } from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ProjectRegistry, QueryConfig } from '@pulse/config';
import { HealthController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@pulse/platform';
import { AlertRuleStore } from '@pulse/alerts';
import { IssueStore, IssueWorkflow } from '@pulse/issues';
import { checkPostgres, createPostgresPool } from '@pulse/state';
import { checkClickHouse, createClickHouse } from '@pulse/storage';
import type { Pool } from 'pg';
import { TOKEN_ADMISSION, TokenAdmissionInterceptor } from './admission/token-admission.interceptor';
import { TokenAdmission } from './admission/token-admission';
import { AlertIncidentsController } from './alerts/alert-incidents.controller';
import { AlertRulesController } from './alerts/alert-rules.controller';
import { AlertRulesService } from './alerts/alert-rules.service';
import { AnalyticsErrorsInterceptor } from './analytics-errors';
import { analyticsProviders } from './analytics.providers';
import { BearerTokenGuard } from './bearer-token.guard';
import { ClientOutcomesController } from './client-outcomes/client-outcomes.controller';
import { ErrorsController } from './errors/errors.controller';
import { GrafanaController } from './grafana/grafana.controller';
import { GrafanaService } from './grafana/grafana.service';
import { issueReaderProvider } from './issues/issue-read.providers';
import { IssuesController } from './issues/issues.controller';
import { LatencyController } from './latency.controller';
import { IssueStatusController } from './issues/issue-status.controller';
import { IssueStatusService } from './issues/issue-status.service';
import { POSTGRES_POOL, PROJECT_REGISTRY, QUERY_LIMITS, QueryLimits, readClassLimitsFrom } from './query.tokens';
import { ReadRefusals } from './read-refusals';
import { SqlQueryController } from './sql/sql-query.controller';
import { SqlQueryService } from './sql/sql-query.service';
import { SQL_QUERY_OPTIONS, sqlQueryOptionsFrom } from './sql/sql-query.tokens';
import { ClickHouseSqlRepository, SqlRepository } from './sql/sql.repository';
import { ReleasesController } from './releases/releases.controller';
import { TracesController } from './traces/traces.controller';
import { TransactionsController } from './transactions/transactions.controller';
import { WebVitalsController } from './web-vitals/web-vitals.controller';

export interface QueryModuleOptions {
  config: QueryConfig;
  registry: ProjectRegistry;
  metrics: MetricsRegistry;
}

const CLICKHOUSE = Symbol('CLICKHOUSE');

@Module({})
export class QueryModule implements OnApplicationShutdown {
  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseClient,
    @Inject(POSTGRES_POOL) private readonly postgres: Pool,
  ) {}

  static forRoot({ config, registry, metrics }: QueryModuleOptions): DynamicModule {
    const limits: QueryLimits = { maxExecutionSeconds: config.queryMaxExecutionSeconds, maxRangeDays: config.queryMaxRangeDays, maxPoints: config.queryMaxPoints };
    return {
      module: QueryModule,
      controllers: [LatencyController, TransactionsController, ReleasesController, WebVitalsController, ErrorsController, IssuesController, ClientOutcomesController, TracesController, SqlQueryController, GrafanaController, IssueStatusController, AlertIncidentsController, AlertRulesController, HealthController],
      providers: [
        { provide: PROJECT_REGISTRY, useValue: registry },
        { provide: QUERY_LIMITS, useValue: limits },
        { provide: MetricsRegistry, useValue: metrics },
        {
          provide: CLICKHOUSE,
          useFactory: () =>
            createClickHouse(
              config.clickhouse,
              // The HTTP request may outlive max_execution_time slightly; the server stops the query.
              { requestTimeoutMs: (config.queryMaxExecutionSeconds + 5) * 1000 },
            ),
        },
        ReadRefusals,
        ...analyticsProviders(CLICKHOUSE, readClassLimitsFrom(config)),
        issueReaderProvider,
        {
          provide: READINESS_CHECKS,
          inject: [CLICKHOUSE, POSTGRES_POOL],
          useFactory: (client: ClickHouseClient, postgres: Pool): ReadinessCheck[] => [
            { name: 'clickhouse', check: () => checkClickHouse(client) },
            { name: 'postgres', check: () => checkPostgres(postgres) },
          ],
        },
        { provide: POSTGRES_POOL, useFactory: () => createPostgresPool({ url: config.databaseUrl, applicationName: 'pulse-query' }) },
        { provide: IssueStore, inject: [POSTGRES_POOL], useFactory: (pool: Pool) => new IssueStore(pool) },
        { provide: IssueWorkflow, inject: [POSTGRES_POOL], useFactory: (pool: Pool) => new IssueWorkflow(pool) },
        IssueStatusService,
        { provide: AlertRuleStore, inject: [POSTGRES_POOL], useFactory: (pool: Pool) => new AlertRuleStore(pool) },
        AlertRulesService,
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
        { provide: TOKEN_ADMISSION, useValue: tokenAdmission(config, metrics) },
        { provide: APP_INTERCEPTOR, useClass: TokenAdmissionInterceptor },
        { provide: APP_INTERCEPTOR, useClass: AnalyticsErrorsInterceptor },
        SqlQueryService,
        GrafanaService,
        { provide: SQL_QUERY_OPTIONS, useValue: sqlQueryOptionsFrom(config) },
        { provide: SqlRepository, inject: [CLICKHOUSE], useFactory: (client: ClickHouseClient) => new ClickHouseSqlRepository(client) },
        BearerTokenGuard,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.clickhouse.close(), this.postgres.end()]);
  }
}

/** The per-token slots of tenant reads, with gauges of what runs and waits over all tokens. */
function tokenAdmission(config: QueryConfig, metrics: MetricsRegistry): TokenAdmission {
  const admission = new TokenAdmission({
    maxRunning: config.queryMaxConcurrentPerToken,
    maxQueued: config.queryMaxQueuedPerToken,
    maxWaitMs: config.queryMaxQueueWaitMs,
  });
  metrics.gauge('pulse_query_reads_running', 'Tenant reads holding a token slot', [], () => admission.running);
  metrics.gauge('pulse_query_reads_queued', 'Tenant reads waiting for a token slot', [], () => admission.queued);
  return admission;
}
