import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * The ClickHouse limits of the read class: every query the query app sends for a tenant (SQL API,
 * analytics endpoints, Grafana). QueryConfig: QUERY_MAX_EXECUTION_SECONDS, QUERY_MAX_THREADS,
 * QUERY_MAX_MEMORY_USAGE_BYTES, QUERY_CLICKHOUSE_MAX_CONCURRENT, QUERY_OS_THREAD_PRIORITY.
 */
export interface ReadClassLimits {
  maxExecutionSeconds: number;
  maxThreads: number;
  maxMemoryUsageBytes: number;
  /** `max_concurrent_queries_for_user`; 0 sends none. */
  maxConcurrentQueriesForUser: number;
  /** `os_thread_priority`, the nice value of the read's threads (0 to 19); 0 sends none. */
  osThreadPriority: number;
}

/**
 * The settings every read carries, one place for all three paths. A query may set each of these
 * itself under readonly=2 (checked on ClickHouse 26.7), so they bind even when the server's
 * profile for the user is the default one; a production profile can pin them with constraints.
 *
 * - readonly 2: no writes or DDL, while per-request settings (these, the SQL API's scope filters)
 *   stay allowed;
 * - max_threads: one heavy read uses at most this many cores, leaving the rest to inserts and to
 *   other tenants (ClickHouse's default is every core);
 * - max_memory_usage: one read stops with MEMORY_LIMIT_EXCEEDED instead of pressing the server;
 * - max_execution_time with timeout_overflow_mode=throw: a runaway read ends with an error;
 * - max_concurrent_queries_for_user: ClickHouse compares it with every query the user runs at that
 *   moment, but only a query that sets it can be refused. Inserts never set it, so they are never
 *   refused by it; a read is refused (TOO_MANY_SIMULTANEOUS_QUERIES, a 503) while the user runs
 *   that many. With the query app on a ClickHouse user of its own (docs/query-api.md) that is a cap
 *   on the read class alone;
 * - os_thread_priority: the nice value of the threads running the read, reset when they are done.
 *   A read competing for the cores with an insert (nice 0) gets the smaller share: a cap on
 *   threads bounds how many cores a read may take, this decides who gets them when both want
 *   them. ClickHouse applies it only with CAP_SYS_NICE and ignores it otherwise.
 */
export function readClassSettings(limits: ReadClassLimits): ClickHouseSettings {
  return {
    readonly: '2',
    max_threads: limits.maxThreads,
    max_memory_usage: String(limits.maxMemoryUsageBytes),
    max_execution_time: limits.maxExecutionSeconds,
    timeout_overflow_mode: 'throw',
    ...(limits.maxConcurrentQueriesForUser > 0 ? { max_concurrent_queries_for_user: String(limits.maxConcurrentQueriesForUser) } : {}),
    ...(limits.osThreadPriority > 0 ? { os_thread_priority: String(limits.osThreadPriority) } : {}),
  };
}
