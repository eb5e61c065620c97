import { Tables } from '@pulse/storage';

/**
 * The tables a SQL API query may read: the raw tables of libs/storage, by their own names,
 * unqualified (the service resolves them in its configured database). The rollups
 * (`*_minute`) hold aggregate states that only make sense through their merge functions, and
 * everything else (system tables, other databases) is none of a project's business.
 */
export const LOGICAL_TABLES = [Tables.transactions, Tables.spans, Tables.errors, Tables.sessions, Tables.webVitals] as const;

export type LogicalTable = (typeof LOGICAL_TABLES)[number];

/**
 * The column a row's time is in, which [from, to) applies to. Sessions are stored and keyed by
 * `started`, not by the update's `timestamp` (docs/storage.md), so a session's updates stay together.
 */
export const TIME_COLUMN: Readonly<Record<LogicalTable, string>> = {
  transactions: 'timestamp',
  spans: 'timestamp',
  errors: 'timestamp',
  sessions: 'started',
  web_vitals: 'timestamp',
};

const NAMES: ReadonlySet<string> = new Set(LOGICAL_TABLES);

export function isLogicalTable(name: string): name is LogicalTable {
  return NAMES.has(name);
}
