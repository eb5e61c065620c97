export * from './local-service';
export * from './wait-until';
export * from './clickhouse';
export * from './kafka';
export * from './server-process';
export * from './app-process';
export * from './infra';
export * from './chromium';
