export * from './batching-producer';
export * from './kafka-batch.server';
export * from './kafka.factory';
export * from './message-codec';
export * from './readiness.probe';
export * from './record-batch';
export * from './topic-admin';
export * from './topics';
