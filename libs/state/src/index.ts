// PostgreSQL: the pool, transactions and the versioned migrations of the mutable state (issues and
// their workflow). No other library opens PostgreSQL on its own.
export * from './migrate';
export * from './migration';
export * from './postgres.pool';
export * from './transaction';
export * from './postgres-errors';
