export * from './kafka-config';
export { findKafkaResources, installKafkaJars, isLibsDirComplete, type KafkaResources } from './kafka-jars';
export * from './local-kafka';
export * from './local-kafka-cluster';
