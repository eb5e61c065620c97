export * from './sentry-auth';
export * from './transaction-event.dto';
export * from './validate-payload';
