import { createClickHouse } from '@pulse/storage';
import { testInfra } from '@pulse/testing';
import { ClickHouseAnalyticsRepository } from './analytics.repository';
import { ReadFailure } from './read-failure';

/**
 * The analytics repository (every analytics endpoint and the Grafana datasource read through it)
 * against the real ClickHouse: the read class's settings reach the server, and the row cap holds
 * for a one-block answer, which ClickHouse's own max_result_rows lets through. The query app answers
 * the refusal as a 400 with its message.
 */
describe('ClickHouseAnalyticsRepository', () => {
  const client = createClickHouse({ ...testInfra().clickhouse, database: 'default' });
  const limits = { maxExecutionSeconds: 7, maxThreads: 1, maxMemoryUsageBytes: 300 * 1024 ** 2, maxConcurrentQueriesForUser: 12, osThreadPriority: 7 };
  let refusals = 0;
  const repository = new ClickHouseAnalyticsRepository(client, limits, () => refusals++, 50);

  afterAll(() => client.close());

  it('runs every query with the read class settings', async () => {
    const [row] = await repository.query<Record<string, string>>({
      sql:
        "SELECT toString(getSetting('max_threads')) AS threads, toString(getSetting('max_memory_usage')) AS memory, toString(getSetting('max_execution_time')) AS seconds, " +
        "toString(getSetting('max_concurrent_queries_for_user')) AS concurrent, toString(getSetting('os_thread_priority')) AS nice, toString(getSetting('readonly')) AS readonly",
      params: {},
    });
    expect(row).toEqual({ threads: '1', memory: String(300 * 1024 ** 2), seconds: '7', concurrent: '12', nice: '7', readonly: '2' });
  });

  it('refuses an answer over its row cap even when ClickHouse makes it one block', async () => {
    const atCap = await repository.query({ sql: 'SELECT arrayJoin(range(50)) AS a', params: {} });
    expect(atCap).toHaveLength(50);
    const over = repository.query({ sql: 'SELECT arrayJoin(range(100000)) AS a', params: {} });
    await expect(over).rejects.toBeInstanceOf(ReadFailure);
    await expect(over).rejects.toMatchObject({ kind: 'too_many_rows', message: 'the answer has more than 50 rows; narrow the time range or add filters' });
    expect(refusals).toBe(1);
  });
});
