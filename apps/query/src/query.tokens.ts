import type { EnvConfig } from '@pulse/config';
import type { ReadClassLimits } from '@pulse/sql-query';

/** Injection tokens of the query app. */
export const PROJECT_REGISTRY = Symbol('PROJECT_REGISTRY');
export const QUERY_LIMITS = Symbol('QUERY_LIMITS');

export interface QueryLimits {
  maxExecutionSeconds: number;
  maxRangeDays: number;
  maxPoints: number;
}

/** The ClickHouse limits of every tenant read (readClassSettings), from the environment. */
export function readClassLimitsFrom(env: EnvConfig): ReadClassLimits {
  return {
    maxExecutionSeconds: env.queryMaxExecutionSeconds,
    maxThreads: env.queryMaxThreads,
    maxMemoryUsageBytes: env.queryMaxMemoryUsageBytes,
    maxConcurrentQueriesForUser: env.queryClickHouseMaxConcurrent,
    osThreadPriority: env.queryOsThreadPriority,
  };
}
