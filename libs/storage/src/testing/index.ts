export * from './migrated-database';
export * from './rollup-checks';
export * from './row-binary-reader';
