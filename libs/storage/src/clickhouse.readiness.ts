import type { ClickHouseClient } from '@clickhouse/client';
import { Tables } from './stored-kinds';

const RAW_TABLES: readonly string[] = Object.values(Tables);

/** /ready check: the server answers and every raw table exists (migrations ran). */
export async function checkClickHouse(client: ClickHouseClient): Promise<void> {
  const result = await client.query({
    query: 'SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
    query_params: { tables: RAW_TABLES },
    format: 'JSONEachRow',
  });
  const present = new Set((await result.json<{ name: string }>()).map((row) => row.name));
  const missing = RAW_TABLES.filter((table) => !present.has(table));
  if (missing.length > 0) throw new Error(`table(s) ${missing.join(', ')} missing: run \`npm run migrate\``);
}
