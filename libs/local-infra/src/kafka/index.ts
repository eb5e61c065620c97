export * from './local-kafka';
