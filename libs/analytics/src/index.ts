export * from './latency.query';
export * from './latency.result';
export * from './time-range';
