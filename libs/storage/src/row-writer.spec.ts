import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseRowWriter } from './row-writer';

function fakeClient() {
  const insert = jest.fn().mockResolvedValue({ executed: true, query_id: 'q' });
  return { client: { insert } as unknown as ClickHouseClient, insert };
}

describe('ClickHouseRowWriter', () => {
  it('sends nothing for no rows', async () => {
    const { client, insert } = fakeClient();
    await new ClickHouseRowWriter(client).insert('transactions', [], 'token');
    expect(insert).not.toHaveBeenCalled();
  });

  it('inserts the rows as JSONEachRow, synchronously, deduplicated by the token in the table and its rollups', async () => {
    const { client, insert } = fakeClient();
    const rows = [{ project_id: 1 }, { project_id: 2 }];
    await new ClickHouseRowWriter(client).insert('errors', rows, 'errors/3/100-199');
    expect(insert).toHaveBeenCalledTimes(1);
    expect(insert).toHaveBeenCalledWith({
      table: 'errors',
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: expect.objectContaining({
        insert_deduplication_token: 'errors/3/100-199',
        insert_deduplicate: 1,
        deduplicate_blocks_in_dependent_materialized_views: 1,
        async_insert: 0,
        distributed_foreground_insert: 1,
      }),
    });
  });

  it('lets a failed insert reach the caller, which decides between retry and dead letter', async () => {
    const { client, insert } = fakeClient();
    insert.mockRejectedValueOnce(new Error('socket hang up'));
    await expect(new ClickHouseRowWriter(client).insert('spans', [{ project_id: 1 }], 't')).rejects.toThrow('socket hang up');
  });
});
