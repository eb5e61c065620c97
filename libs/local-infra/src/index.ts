export * from './local-service';
export * from './wait-until';
export * from './clickhouse';
export * from './kafka';
export * from './app-process';
export * from './infra';
export * from './chromium';
