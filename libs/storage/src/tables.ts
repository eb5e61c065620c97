/**
 * The raw table of each record kind (on a cluster, the Distributed table of that name). The
 * rollups (`<table>_minute`) are filled by materialized views, never written directly.
 */
export const Tables = {
  transactions: 'transactions',
  spans: 'spans',
  webVitals: 'web_vitals',
  errors: 'errors',
  sessions: 'sessions',
} as const;
