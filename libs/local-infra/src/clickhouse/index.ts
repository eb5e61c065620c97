// Only the process manager: the server modules load the ClickHouse engine (libchdb, ~540 MB) and
// are reached by path from main.ts, never through the library's index.
export * from './local-clickhouse';
