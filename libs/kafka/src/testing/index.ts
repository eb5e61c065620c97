export * from './transaction-record';
