import type { ClickHouseClient } from '@clickhouse/client';
import { waitUntil } from '@pulse/local-infra';
import { createClickHouse } from '@pulse/storage';
import { nodeCaptureExceptionEvent, transactionEvent } from '@pulse/testing/fixtures';
import { E2EStack } from './support/e2e-stack';
import { request, testInfra } from '@pulse/testing';

/**
 * The time rules end to end (docs/ingest.md, "Time"): records too old, too new or behind an absurd
 * `sent_at` are stored once at the receive time with the client's timestamp in
 * `original_timestamp`, never dropped; a timestamp DateTime64(3) cannot hold is refused by name.
 */
jest.setTimeout(180_000);

const DAY = 86_400_000;
const TRACE_ID = '5c1e0a0b9d8e4f2a8b7c6d5e4f3a2b1c';
const ROOT_SPAN = '1a2b3c4d5e6f7a8b';
const CHILD_SPAN = '2b3c4d5e6f7a8b9c';
const YEAR_9999 = '9999-12-31T23:59:59.000Z';

interface StoredTimes {
  ts: number;
  start: number | null;
  received: number;
  original: number | null;
  duration: number | null;
}

describe('timestamps outside the window are kept at the receive time with the original (HTTP → Kafka → consumer → ClickHouse)', () => {
  const stack = new E2EStack([{ id: 61 }]);
  const [project] = stack.projects;
  let clickhouse: ClickHouseClient;

  beforeAll(async () => {
    await stack.start({ CONSUMER_MAX_WAIT_MS: '100' }, ['consumer', 'ingest']);
    clickhouse = createClickHouse({ ...testInfra().clickhouse, database: stack.database });
  });
  afterAll(async () => {
    await stack.stop();
    await clickhouse?.close();
  });

  const send = (header: Record<string, unknown>, items: Array<[string, Record<string, unknown>]>) =>
    request<{ id?: string; dropped?: string[] }>(`${stack.app('ingest').url}/api/${project.id}/envelope/?sentry_key=${project.key}`, {
      method: 'POST',
      body: [JSON.stringify(header), ...items.flatMap(([type, payload]) => [JSON.stringify({ type }), JSON.stringify(payload)])].join('\n'),
    });

  /** Every stored row of `table` whose `column` is `id`, times as epoch ms. */
  async function stored(table: 'transactions' | 'spans' | 'errors', column: 'event_id' | 'span_id', id: string): Promise<StoredTimes[]> {
    const start = table === 'errors' ? 'NULL' : 'toUnixTimestamp64Milli(start_timestamp)';
    const duration = table === 'errors' ? 'NULL' : 'duration_ms';
    const result = await clickhouse.query({
      query:
        `SELECT toUnixTimestamp64Milli(timestamp) AS ts, ${start} AS start, toUnixTimestamp64Milli(received_at) AS received, ` +
        `toUnixTimestamp64Milli(original_timestamp) AS original, ${duration} AS duration FROM ${table} WHERE project_id = {project:UInt64} AND ${column} = {id:String}`,
      query_params: { project: project.id, id },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<keyof StoredTimes, string | number | null>>();
    const asNumber = (value: string | number | null) => (value === null ? null : Number(value));
    return rows.map((row) => ({ ts: Number(row.ts), start: asNumber(row.start), received: Number(row.received), original: asNumber(row.original), duration: asNumber(row.duration) }));
  }

  async function storedOnce(table: 'transactions' | 'spans' | 'errors', column: 'event_id' | 'span_id', id: string): Promise<StoredTimes> {
    await waitUntil(`${table} ${id} stored`, async () => (await stored(table, column, id)).length > 0, { timeoutMs: 60_000, intervalMs: 200 });
    const rows = await stored(table, column, id);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('stores a transaction 40 days old, and its span, once at the receive time with the originals and the durations kept', async () => {
    const endMs = Date.now() - 40 * DAY;
    const eventId = 'a0'.repeat(16);
    const event = transactionEvent({
      event_id: eventId,
      start_timestamp: (endMs - 250) / 1000,
      timestamp: endMs / 1000,
      contexts: { trace: { trace_id: TRACE_ID, span_id: ROOT_SPAN, op: 'http.server', status: 'ok' } },
      spans: [{ span_id: CHILD_SPAN, parent_span_id: ROOT_SPAN, trace_id: TRACE_ID, op: 'db', description: 'SELECT 1', start_timestamp: (endMs - 200) / 1000, timestamp: (endMs - 50) / 1000, status: 'ok' }],
    });
    const sentAt = Date.now();
    const answer = await send({ event_id: eventId }, [['transaction', event]]);
    expect(answer.status).toBe(200);
    expect(answer.body.dropped).toBeUndefined();

    const transaction = await storedOnce('transactions', 'event_id', eventId);
    expect(transaction.received).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(transaction).toEqual({ ts: transaction.received, start: transaction.received - 250, received: transaction.received, original: endMs, duration: 250 });
    // The span moved with its transaction: 150 ms long, ending 50 ms before it.
    const span = await storedOnce('spans', 'span_id', CHILD_SPAN);
    expect(span).toMatchObject({ ts: transaction.received - 50, start: transaction.received - 200, original: endMs - 50, duration: 150 });
  });

  it('ignores a sent_at in year 9999: a current error is stored as sent, one 40 days old at the receive time with its original', async () => {
    const currentMs = Date.now() - 5000;
    const oldMs = Date.now() - 40 * DAY;
    const current = 'b1'.repeat(16);
    const old = 'b2'.repeat(16);
    const answer = await send({ sent_at: YEAR_9999 }, [
      ['event', nodeCaptureExceptionEvent({ event_id: current, timestamp: currentMs / 1000 })],
      ['event', nodeCaptureExceptionEvent({ event_id: old, timestamp: oldMs / 1000 })],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.dropped).toBeUndefined();

    expect(await storedOnce('errors', 'event_id', current)).toMatchObject({ ts: currentMs, original: null });
    const moved = await storedOnce('errors', 'event_id', old);
    expect(moved).toMatchObject({ ts: moved.received, original: oldMs });
  });

  it('refuses a transaction timestamped 1e20 seconds by name and stores the rest of the envelope', async () => {
    const absurd = 'c1'.repeat(16);
    const good = 'c2'.repeat(16);
    const nowS = Date.now() / 1000;
    // The refused item goes first: had it been produced, it would precede the good one on the partition.
    const answer = await send({}, [
      ['transaction', transactionEvent({ event_id: absurd, start_timestamp: 1e20, timestamp: 1e20 + 0.5 })],
      ['transaction', transactionEvent({ event_id: good, start_timestamp: nowS - 0.1, timestamp: nowS })],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.dropped).toEqual(['transactions: start_timestamp 1e+23 ms since the epoch is not a time Pulse can store (1900-01-01 to 2299-12-31)']);
    expect(await storedOnce('transactions', 'event_id', good)).toMatchObject({ original: null, duration: 100 });
    expect(await stored('transactions', 'event_id', absurd)).toEqual([]);
  });
});
