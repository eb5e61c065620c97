export * from './limits';
export * from './normalize-transaction';
export * from './span-status';
export * from './timestamps';
export * from './transaction.record';
