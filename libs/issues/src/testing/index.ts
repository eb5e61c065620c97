export * from './error-record';
export * from './seed-issue';
