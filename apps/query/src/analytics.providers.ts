import { Logger, Provider } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  AnalyticsRepository,
  CachedRollupTiers,
  ClientOutcomesService,
  ClickHouseAnalyticsRepository,
  DimensionValuesService,
  ErrorsService,
  IssueEventsService,
  LatencyService,
  ReleasesService,
  RollupTiers,
  TracesService,
  TransactionsService,
  WebVitalsService,
} from '@pulse/analytics';
import { readRollupStarts } from '@pulse/storage';
import type { ReadClassLimits } from '@pulse/analytics';
import { ReadRefusals } from './read-refusals';

/** A service of @pulse/analytics (a plain class) as a provider, built from the providers it takes. */
function service<T>(type: new (...deps: never[]) => T, inject: Array<abstract new (...args: never[]) => unknown>): Provider {
  return { provide: type, inject, useFactory: (...deps: never[]) => new type(...deps) };
}

/**
 * The read side of @pulse/analytics as Nest providers: the repository on the app's ClickHouse
 * client (`clickhouse`, an injection token) with the read class's limits, the cached rollup tiers
 * and the services the controllers and the Grafana datasource call.
 */
export function analyticsProviders(clickhouse: symbol, limits: ReadClassLimits): Provider[] {
  return [
    {
      provide: AnalyticsRepository,
      inject: [clickhouse, ReadRefusals],
      useFactory: (client: ClickHouseClient, refusals: ReadRefusals) => new ClickHouseAnalyticsRepository(client, limits, () => refusals.count('result_rows')),
    },
    {
      provide: RollupTiers,
      inject: [clickhouse],
      useFactory: (client: ClickHouseClient) => {
        const logger = new Logger('RollupTiers');
        return new CachedRollupTiers(
          () => readRollupStarts(client),
          (error) => logger.warn(`cannot read rollup_tiers, reading the minute rollups only for now: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
    },
    service(LatencyService, [AnalyticsRepository, RollupTiers]),
    service(TransactionsService, [AnalyticsRepository, RollupTiers]),
    service(ReleasesService, [AnalyticsRepository, RollupTiers]),
    service(WebVitalsService, [AnalyticsRepository, RollupTiers]),
    service(ErrorsService, [AnalyticsRepository]),
    service(IssueEventsService, [AnalyticsRepository]),
    service(ClientOutcomesService, [AnalyticsRepository]),
    service(TracesService, [AnalyticsRepository]),
    service(DimensionValuesService, [AnalyticsRepository]),
  ];
}
