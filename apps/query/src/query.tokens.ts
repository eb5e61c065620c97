import type { QueryConfig } from '@pulse/config';
import type { ReadClassLimits } from '@pulse/analytics';

/** Injection tokens of the query app. */
export const PROJECT_REGISTRY = Symbol('PROJECT_REGISTRY');
export const QUERY_LIMITS = Symbol('QUERY_LIMITS');
/** The app's PostgreSQL pool (pg `Pool`, DATABASE_URL): issues and their workflow. */
export const POSTGRES_POOL = Symbol('POSTGRES_POOL');

export interface QueryLimits {
  maxExecutionSeconds: number;
  maxRangeDays: number;
  maxPoints: number;
}

/** The ClickHouse limits of every tenant read (readClassSettings), from the environment. */
export function readClassLimitsFrom(config: QueryConfig): ReadClassLimits {
  return {
    maxExecutionSeconds: config.queryMaxExecutionSeconds,
    maxThreads: config.queryMaxThreads,
    maxMemoryUsageBytes: config.queryMaxMemoryUsageBytes,
    maxConcurrentQueriesForUser: config.queryClickHouseMaxConcurrent,
    osThreadPriority: config.queryOsThreadPriority,
  };
}
