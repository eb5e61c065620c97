import type { TraceResponse } from '@pulse/analytics';
import { seededQueryApp } from '../testing/seeded-query-app';

/**
 * The trace endpoint over HTTP on seeded ClickHouse: the default range, parameters to 400s and an
 * unknown trace to 404. The waterfall itself is checked in libs/analytics/src/trace.int-spec.ts.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const DAY = 86_400_000;
const MAX_RANGE_DAYS = 7;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;

describe('trace endpoint over HTTP', () => {
  const suite = seededQueryApp({
    prefix: 'pulse_traces_api',
    seed: 8,
    records: { startMs: START_MS, minutes: 60, transactions: 200 },
    env: { QUERY_MAX_RANGE_DAYS: MAX_RANGE_DAYS },
  });
  const get = <T>(path: string) => suite.get<T>(`traces/${path}`);

  it('finds a trace in the last QUERY_MAX_RANGE_DAYS days without from/to', async () => {
    const record = suite.db.records.transactions.find((r) => r.projectId === 1);
    if (!record) throw new Error('the seed has no transaction of project 1');
    const answer = await get<TraceResponse>(record.traceId.toUpperCase());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ trace_id: record.traceId, start: record.startTimestampMs, end: record.timestampMs, truncated: false, spans: [], errors: [] });
    expect(answer.body.transactions).toEqual([expect.objectContaining({ event_id: record.eventId, depth: 0, position: 0 })]);
    const before = await get<{ detail: string }>(`${record.traceId}?to=${START_MS}`);
    expect(before.status).toBe(404);
  });

  it('answers 404 for an unknown trace and 400 for a bad id or range', async () => {
    expect(await get(`${'1'.repeat(32)}`)).toMatchObject({ status: 404, body: { detail: `trace ${'1'.repeat(32)} has no transactions, spans or errors in the time range` } });
    expect(await get('not-a-trace')).toMatchObject({ status: 400, body: { detail: 'trace id "not-a-trace" must be 32 hex characters' } });
    const tooLong = await get(`${'1'.repeat(32)}?from=${Date.now() - (MAX_RANGE_DAYS + 1) * DAY}`);
    expect(tooLong).toMatchObject({ status: 400, body: { detail: `the time range may span at most ${MAX_RANGE_DAYS} days` } });
  });
});
