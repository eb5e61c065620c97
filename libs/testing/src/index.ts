export * from './consumer-progress';
export * from './fresh-database';
export * from './http';
export * from './numbers';
export * from './processes';
export * from './prometheus-text';
export * from './records';
export * from './test-infra';
