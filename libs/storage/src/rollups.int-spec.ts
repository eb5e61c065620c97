import { isFailureStatus, isRatedVital, rateVital } from '@pulse/model';
import { toDateTime64 } from './date-time64';
import { toErrorRow } from './error.row';
import { ClickHouseRowWriter } from './row-writer';
import { toSessionRow } from './session.row';
import { toSpanRow } from './span.row';
import { Tables } from './stored-kinds';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';
import { DAY_ROLLUP_CHECKS, HOUR_ROLLUP_CHECKS, ROLLUP_CHECKS, rollupAndRawQueries } from './testing/rollup-checks';
import { SeededRecords, seededRecords } from '@pulse/testing';
import { toTransactionRow } from './transaction.row';
import { toWebVitalRow } from './web-vital.row';

type Row = Record<string, string | number>;

const RETENTION_DAYS: Record<number, number> = { 1: 30, 2: 90, 3: 7 };
const retention = (record: { projectId: number }) => RETENTION_DAYS[record.projectId];
const BATCH_ROWS = 500;
const DD_ACCURACY = 0.01;
/** Each step takes well under a second on an idle machine; a machine running other suites may take many. */
jest.setTimeout(30_000);

describe('rollups against the raw rows they were built from', () => {
  let db: MigratedDatabase;
  let records: SeededRecords;

  beforeAll(async () => {
    db = await migratedDatabase('pulse_rollups');
    const startMs = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
    records = seededRecords(20251124, { startMs, minutes: 150, transactions: 4000, spans: 2000, webVitals: 3000, errors: 2000, sessions: 800, sessionAggregates: 150 });
    // Several batches, each under its own token: every minute of every group gets partial states
    // from several inserts, which the rollup must merge.
    const writer = new ClickHouseRowWriter(db.client);
    const insert = async (table: string, rows: object[]) => {
      for (let offset = 0; offset < rows.length; offset += BATCH_ROWS) await writer.insert(table, rows.slice(offset, offset + BATCH_ROWS), `${table}-${offset}`);
    };
    await insert(Tables.transactions, records.transactions.map((r) => toTransactionRow(r, retention(r))));
    await insert(Tables.spans, records.spans.map((r) => toSpanRow(r, retention(r))));
    await insert(Tables.webVitals, records.webVitals.map((r) => toWebVitalRow(r, retention(r))));
    await insert(Tables.errors, records.errors.map((r) => toErrorRow(r, retention(r))));
    await insert(Tables.sessions, records.sessions.map((r) => toSessionRow(r, retention(r))));
  }, 120_000);
  afterAll(() => db?.client.close());

  it('stored every generated record', async () => {
    const counts = await selectRows<Row>(
      db.client,
      'SELECT (SELECT count() FROM transactions) AS transactions, (SELECT count() FROM spans) AS spans, (SELECT count() FROM web_vitals) AS web_vitals, (SELECT count() FROM errors) AS errors, (SELECT count() FROM sessions) AS sessions',
    );
    expect(counts[0]).toEqual({
      transactions: records.transactions.length,
      spans: records.spans.length,
      web_vitals: records.webVitals.length,
      errors: records.errors.length,
      sessions: records.sessions.length,
    });
  });

  describe.each([...ROLLUP_CHECKS, ...HOUR_ROLLUP_CHECKS, ...DAY_ROLLUP_CHECKS])('$rollup', (check) => {
    it.each([
      ['per time bucket', true],
      ['over all time', false],
    ])('equals the same aggregates of the raw table, column by column, %s', async (_, byTime) => {
      const queries = rollupAndRawQueries(check, byTime);
      const [rollup, raw] = await Promise.all([selectRows(db.client, queries.rollup), selectRows(db.client, queries.raw)]);
      // 150 minutes of data: fewer rows per hour (day) than per minute, but many groups in each.
      const fewest: Record<string, number> = { minute: 300, hour: 100, day: 10 };
      expect(raw.length).toBeGreaterThan(byTime ? fewest[check.time.column] : 10);
      const approximate = check.approximate ?? [];
      const exact = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !approximate.includes(key))));
      expect(exact(rollup)).toEqual(exact(raw));
      for (const column of approximate) {
        rollup.forEach((row, i) => expect(Number(row[column])).toBeCloseTo(Number(raw[i][column]), relativeDigits(Number(raw[i][column]))));
      }
    });
  });

  it('counts transactions, failures and apdex zones per release as the records say', async () => {
    const rows = await selectRows<Row>(
      db.client,
      'SELECT release, sum(count) AS count, sum(failures) AS failures, sum(satisfied) AS satisfied, sum(tolerated) AS tolerated, max(duration_max) AS max, uniqMerge(users) AS users, uniqMerge(miserable_users) AS miserable FROM transactions_minute GROUP BY release ORDER BY release',
    );
    const expected = groupBy(records.transactions, (r) => r.release, (list) => ({
      count: list.length,
      failures: list.filter((r) => isFailureStatus(r.status)).length,
      satisfied: list.filter((r) => r.durationMs <= 300).length,
      tolerated: list.filter((r) => r.durationMs > 300 && r.durationMs <= 1200).length,
      max: Math.max(...list.map((r) => r.durationMs)),
      users: distinctUsers(list),
      miserable: new Set(list.filter((r) => r.userId !== '' && r.durationMs > 1200).map((r) => r.userId)).size,
    }));
    expect(rows).toEqual(Object.entries(expected).map(([release, values]) => ({ release, ...values })));
    expect(rows.every((row) => Number(row.failures) > 0 && Number(row.failures) < Number(row.count))).toBe(true);
  });

  it('gives percentiles within 1% of the order statistics around each rank, per release', async () => {
    const rows = await selectRows<{ release: string; q: number[] }>(
      db.client,
      'SELECT release, quantilesDDMerge(0.01, 0.5, 0.75, 0.95, 0.99)(duration_quantiles) AS q FROM transactions_minute GROUP BY release ORDER BY release',
    );
    const durations = groupBy(records.transactions, (r) => r.release, (list) => list.map((r) => r.durationMs));
    for (const row of rows) {
      [0.5, 0.75, 0.95, 0.99].forEach((level, i) => {
        const { low, high } = orderStatisticsAround(durations[row.release], level);
        expect(row.q[i]).toBeGreaterThanOrEqual(low * (1 - DD_ACCURACY));
        expect(row.q[i]).toBeLessThanOrEqual(high * (1 + DD_ACCURACY));
      });
    }
  });

  it('rates Web Vitals as the thresholds of libs/model do, and fp in no rating', async () => {
    const rows = await selectRows<Row>(
      db.client,
      'SELECT vital, sum(count) AS count, sum(good) AS good, sum(needs_improvement) AS needs_improvement, sum(poor) AS poor FROM web_vitals_minute GROUP BY vital ORDER BY vital',
    );
    const expected = groupBy(records.webVitals, (r) => r.vital, (list) => {
      const ratings = list.map((r) => (isRatedVital(r.vital) ? rateVital(r.vital, r.value) : 'none'));
      const count = (rating: string) => ratings.filter((r) => r === rating).length;
      return { count: list.length, good: count('good'), needs_improvement: count('needs_improvement'), poor: count('poor') };
    });
    expect(rows).toEqual(Object.entries(expected).map(([vital, values]) => ({ vital, ...values })));
    expect(rows.find((row) => row.vital === 'fp')).toMatchObject({ good: 0, needs_improvement: 0, poor: 0 });
  });

  it('counts errors, unhandled ones, users and first/last seen per group as the records say', async () => {
    const rows = await selectRows<Row>(
      db.client,
      'SELECT fingerprint, sum(count) AS count, sum(unhandled) AS unhandled, uniqMerge(users) AS users, min(first_seen) AS first_seen, max(last_seen) AS last_seen FROM errors_minute GROUP BY fingerprint ORDER BY fingerprint',
    );
    const expected = groupBy(records.errors, (r) => r.fingerprint, (list) => ({
      count: list.length,
      unhandled: list.filter((r) => !r.handled).length,
      users: distinctUsers(list),
      first_seen: toDateTime64(Math.min(...list.map((r) => r.timestampMs))),
      last_seen: toDateTime64(Math.max(...list.map((r) => r.timestampMs))),
    }));
    expect(rows).toEqual(Object.entries(expected).map(([fingerprint, values]) => ({ fingerprint, ...values })));
  });

  it('counts started, crashed and errored sessions and their users per release as the records say', async () => {
    const rows = await selectRows<Row>(
      db.client,
      `SELECT release, sum(started_sessions) AS started, sum(crashed_sessions) AS crashed, sum(abnormal_sessions) AS abnormal,
         uniqMerge(errored_session_ids) + sum(errored_sessions_aggregated) AS errored, uniqMerge(users) AS users, uniqMerge(crashed_users) AS crashed_users
       FROM sessions_minute GROUP BY release ORDER BY release`,
    );
    const expected = groupBy(records.sessions, (r) => r.release, (list) => {
      const sum = (keep: (r: (typeof list)[number]) => boolean) => list.filter(keep).reduce((total, r) => total + r.quantity, 0);
      const erroredIds = new Set(list.filter((r) => r.sessionId !== '' && (r.errors > 0 || r.status !== 'ok' && r.status !== 'exited')).map((r) => r.sessionId));
      const erroredAggregated = list.filter((r) => r.sessionId === '' && r.status !== 'exited').reduce((total, r) => total + r.quantity, 0);
      const users = (keep: (r: (typeof list)[number]) => boolean) => new Set(list.filter((r) => r.distinctId !== '' && keep(r)).map((r) => r.distinctId)).size;
      return {
        started: sum((r) => r.init),
        crashed: sum((r) => r.status === 'crashed'),
        abnormal: sum((r) => r.status === 'abnormal'),
        errored: erroredIds.size + erroredAggregated,
        users: users(() => true),
        crashed_users: users((r) => r.status === 'crashed'),
      };
    });
    expect(rows).toEqual(Object.entries(expected).map(([release, values]) => ({ release, ...values })));
    // A session sends several updates: the distinct count must be below the number of errored updates.
    const erroredUpdates = records.sessions.filter((r) => r.sessionId !== '' && (r.errors > 0 || r.status === 'errored' || r.status === 'crashed' || r.status === 'abnormal'));
    const erroredSessions = new Set(erroredUpdates.map((r) => r.sessionId)).size;
    expect(erroredSessions).toBeLessThan(erroredUpdates.length);
  });
});

/** Users of the records that name one, each once (what the rollups' uniq counts). */
function distinctUsers(list: ReadonlyArray<{ userId: string }>): number {
  return new Set(list.filter((r) => r.userId !== '').map((r) => r.userId)).size;
}

/** Groups into an object with keys in ClickHouse's ORDER BY order for these ASCII keys. */
function groupBy<T, V>(items: T[], key: (item: T) => string, summarize: (group: T[]) => V): Record<string, V> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return Object.fromEntries([...groups.keys()].sort().map((k) => [k, summarize(groups.get(k) as T[])]));
}

/** The samples at ranks floor and ceil of level × (n − 1), the rank DDSketch looks up. */
function orderStatisticsAround(values: number[], level: number): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = level * (sorted.length - 1);
  return { low: sorted[Math.floor(rank)], high: sorted[Math.ceil(rank)] };
}

/** toBeCloseTo digits for a 1e-9 relative tolerance. */
function relativeDigits(value: number): number {
  return 9 - Math.ceil(Math.log10(Math.max(Math.abs(value), 1)));
}
