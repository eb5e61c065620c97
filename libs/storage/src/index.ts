export * from './clickhouse.factory';
export * from './clickhouse.readiness';
export * from './migrate';
export * from './migration';
export * from './migration-runner';
export * from './transaction.repository';
export * from './transaction.row';
