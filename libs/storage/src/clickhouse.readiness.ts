import type { ClickHouseClient } from '@clickhouse/client';

/** /ready check: the server answers and the Pulse database exists (migrations ran). */
export async function checkClickHouse(client: ClickHouseClient): Promise<void> {
  const result = await client.query({ query: 'SELECT 1 FROM system.tables WHERE database = currentDatabase() AND name = {table:String}', query_params: { table: 'transactions' }, format: 'JSONEachRow' });
  const rows = await result.json();
  if (rows.length === 0) throw new Error('table transactions is missing: run `npm run migrate`');
}
