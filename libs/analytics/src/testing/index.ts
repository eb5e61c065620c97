export * from './seeded-database';
