export * from './http';
export * from './numbers';
export * from './test-infra';
