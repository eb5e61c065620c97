import type { ErrorRecord, RatedVitalName, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { ddBounds } from '@pulse/analytics/testing';
import type { TableFrame, TimeSeriesFrame } from '../grafana-frames';
import { bucketCount } from '../grafana-request';
import {
  apdex,
  crashFreeSessions,
  Expectations,
  failureRate,
  RecordFilters,
  ratingShares,
  sortedDurations,
  sortedValues,
  userMisery,
  users,
  vitalBounds,
} from './seeded-expectations';

type Window = { fromMs: number; toMs: number };

/**
 * Checks of /query answers against the seeded records (jest expectations): every series covers
 * every bucket of its window and each value is what the records give, exactly for counts and
 * rates (1e-12 relative), within the DDSketch bound for percentiles; tables have the right rows
 * and every column as the records say. `nowMs`: the end of the release look-back.
 */
export function answerChecks(expected: Expectations, nowMs: number) {
  /**
   * One series: every bucket of the range, and each value as the records give it. The bucket
   * width is read from the answer (the service widens it to whole minutes on the rollup path).
   */
  function checkSeries(frame: TimeSeriesFrame, target: string, requestFilters: RecordFilters, window: Window): void {
    const release = / release=(\S+)$/.exec(frame.target)?.[1];
    const filters = release !== undefined ? { ...requestFilters, release } : requestFilters;
    const points = frame.datapoints;
    expect(points.length).toBeGreaterThan(1);
    const width = points[1][1] - points[0][1];
    expect(points[0][1]).toBe(Math.floor(window.fromMs / width) * width);
    expect(points.length).toBe(bucketCount(window, width));
    // The records of the window, once, then per bucket.
    const tx = bucketed(expected.transactions(filters, window.fromMs, window.toMs), (r) => r.timestampMs, points[0][1], width);
    const errors = bucketed(expected.errors(filters, window.fromMs, window.toMs), (r) => r.timestampMs, points[0][1], width);
    const vital = /^web_vitals\.(\w+)\.p75$/.exec(target)?.[1] as RatedVitalName | undefined;
    const samples = vital ? bucketed(expected.webVitals(vital, filters, window.fromMs, window.toMs), (r) => r.timestampMs, points[0][1], width) : [];
    let nonNull = 0;
    points.forEach(([value, t], i) => {
      expect(t).toBe(points[0][1] + i * width);
      const actual = expectedValue(target, tx[i] ?? [], errors[i] ?? [], samples[i] ?? [], width);
      const where = { target: frame.target, t };
      if (actual.kind === 'exact') {
        if (actual.value === null) expect({ ...where, value }).toEqual({ ...where, value: null });
        else expect({ ...where, close: Math.abs((value as number) - actual.value) <= 1e-12 * Math.max(1, Math.abs(actual.value)) }).toEqual({ ...where, close: true });
      } else {
        expect({ ...where, low: (value as number) >= actual.low - 1e-9, high: (value as number) <= actual.high + 1e-9 }).toEqual({ ...where, low: true, high: true });
      }
      if (value !== null) nonNull++;
    });
    expect({ target: frame.target, nonNull: nonNull > 0 }).toEqual({ target: frame.target, nonNull: true });
  }

  /** Records by bucket index (bucket i is [first + i·width, first + (i + 1)·width)). */
  function bucketed<R>(records: R[], time: (record: R) => number, firstMs: number, widthMs: number): R[][] {
    const buckets: R[][] = [];
    for (const record of records) (buckets[Math.floor((time(record) - firstMs) / widthMs)] ??= []).push(record);
    return buckets;
  }

  type Expected = { kind: 'exact'; value: number | null } | { kind: 'bounds'; low: number; high: number };

  function expectedValue(target: string, tx: TransactionRecord[], errors: ErrorRecord[], samples: WebVitalRecord[], widthMs: number): Expected {
    if (target.startsWith('web_vitals.')) {
      return samples.length === 0 ? { kind: 'exact', value: null } : { kind: 'bounds', ...vitalBounds(sortedValues(samples), 0.75) };
    }
    const percentile = /^transaction\.p(\d+)$/.exec(target);
    if (percentile) {
      if (tx.length === 0) return { kind: 'exact', value: null };
      return { kind: 'bounds', ...ddBounds(sortedDurations(tx), Number(percentile[1]) / 100) };
    }
    switch (target) {
      case 'transaction.count':
        return { kind: 'exact', value: tx.length };
      case 'transaction.tpm':
        return { kind: 'exact', value: tx.length / (widthMs / 60_000) };
      case 'transaction.failure_rate':
        return { kind: 'exact', value: failureRate(tx) };
      case 'transaction.apdex':
        return { kind: 'exact', value: apdex(tx) };
      case 'errors.count':
        return { kind: 'exact', value: errors.length };
      case 'errors.rate':
        return { kind: 'exact', value: tx.length === 0 ? null : errors.length / tx.length };
      default:
        throw new Error(`no expectation for ${target}`);
    }
  }

  function column(frame: TableFrame, name: string): number {
    const index = frame.columns.findIndex((c) => c.text === name);
    expect({ column: name, index: index >= 0 }).toEqual({ column: name, index: true });
    return index;
  }

  function checkReleasesTable(frame: TableFrame, filters: RecordFilters, window: Window): void {
    const releases = expected.releases(filters, window.fromMs, window.toMs);
    const names = frame.rows.map((row) => row[column(frame, 'release')]);
    expect([...names].sort()).toEqual(releases);
    for (const row of frame.rows) {
      const release = row[column(frame, 'release')] as string;
      const scoped = { ...filters, release };
      const tx = expected.transactions(scoped, window.fromMs, window.toMs);
      const errors = expected.errors(scoped, window.fromMs, window.toMs);
      const where = { release };
      // All seeded data lies inside the look-back, so first seen is the release's first minute ever.
      expect({ ...where, time: row[column(frame, 'time')] }).toEqual({ ...where, time: expected.firstSeenMinute(release, filters, 0, nowMs) });
      expect({ ...where, transactions: row[column(frame, 'transactions')], errors: row[column(frame, 'errors')] }).toEqual({ ...where, transactions: tx.length, errors: errors.length });
      expect(row[column(frame, 'error_rate')] as number).toBeCloseTo(errors.length / tx.length, 12);
      expect(row[column(frame, 'failure_rate')] as number).toBeCloseTo(failureRate(tx) as number, 12);
      expect(row[column(frame, 'users_affected')]).toBe(users(errors));
      expect(row[column(frame, 'crash_free_sessions')] as number).toBeCloseTo(crashFreeSessions(expected.sessions(scoped, window.fromMs, window.toMs)) as number, 12);
    }
    // Newest first.
    const times = frame.rows.map((row) => row[column(frame, 'time')] as number);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  }

  function checkWebVitalsTable(frame: TableFrame, filters: RecordFilters, window: Window, vitals: RatedVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid']): void {
    expect(frame.rows.map((row) => row[column(frame, 'vital')])).toEqual(vitals);
    for (const row of frame.rows) {
      const vital = row[column(frame, 'vital')] as RatedVitalName;
      const samples = expected.webVitals(vital, filters, window.fromMs, window.toMs);
      expect({ vital, count: row[column(frame, 'count')] }).toEqual({ vital, count: samples.length });
      expect(samples.length).toBeGreaterThan(0);
      for (const [key, q] of [['p50', 0.5], ['p75', 0.75], ['p95', 0.95]] as const) {
        const bounds = vitalBounds(sortedValues(samples), q);
        const value = row[column(frame, key)] as number;
        expect({ vital, key, inBounds: value >= bounds.low - 1e-9 && value <= bounds.high + 1e-9 }).toEqual({ vital, key, inBounds: true });
      }
      const shares = ratingShares(vital, samples)!;
      for (const key of ['good', 'needs_improvement', 'poor'] as const) expect(row[column(frame, key)] as number).toBeCloseTo(shares[key], 12);
    }
  }

  function checkErrorsTable(frame: TableFrame, filters: RecordFilters, window: Window): void {
    const events = expected.errorEvents(filters, window.fromMs, window.toMs);
    const fingerprints = [...new Set(events.map((r) => r.fingerprint))].sort();
    expect(frame.rows.map((row) => row[column(frame, 'fingerprint')]).sort()).toEqual(fingerprints);
    const counts = frame.rows.map((row) => row[column(frame, 'count')] as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    for (const row of frame.rows) {
      const fingerprint = row[column(frame, 'fingerprint')] as string;
      const group = events.filter((r) => r.fingerprint === fingerprint);
      const times = group.map((r) => r.timestampMs);
      expect({
        fingerprint,
        title: row[column(frame, 'title')],
        level: row[column(frame, 'level')],
        count: row[column(frame, 'count')],
        users: row[column(frame, 'users')],
        unhandled: row[column(frame, 'unhandled')],
        first_seen: row[column(frame, 'first_seen')],
        last_seen: row[column(frame, 'last_seen')],
        releases: row[column(frame, 'releases')],
      }).toEqual({
        fingerprint,
        title: group[0].title,
        level: group[0].level,
        count: group.length,
        users: users(group),
        unhandled: group.filter((r) => !r.handled).length,
        first_seen: Math.min(...times),
        last_seen: Math.max(...times),
        releases: [...new Set(group.map((r) => r.release))].filter((r) => r !== '').sort().join(', '),
      });
    }
  }

  function checkTransactionsTable(frame: TableFrame, filters: RecordFilters, window: Window): void {
    const tx = expected.transactions(filters, window.fromMs, window.toMs);
    const names = [...new Set(tx.map((r) => r.name))];
    expect(frame.rows.map((row) => row[column(frame, 'transaction')]).sort()).toEqual(names.sort());
    const counts = frame.rows.map((row) => row[column(frame, 'count')] as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const minutes = (window.toMs - window.fromMs) / 60_000;
    for (const row of frame.rows) {
      const name = row[column(frame, 'transaction')] as string;
      const mine = tx.filter((r) => r.name === name);
      const durations = sortedDurations(mine);
      expect({ name, count: row[column(frame, 'count')], users: row[column(frame, 'users')] }).toEqual({ name, count: mine.length, users: users(mine) });
      expect(row[column(frame, 'tpm')] as number).toBeCloseTo(mine.length / minutes, 9);
      expect(row[column(frame, 'failure_rate')] as number).toBeCloseTo(failureRate(mine) as number, 12);
      expect(row[column(frame, 'apdex')] as number).toBeCloseTo(apdex(mine) as number, 12);
      expect(row[column(frame, 'user_misery')] as number).toBeCloseTo(userMisery(mine) as number, 12);
      for (const [key, q] of [['p50', 0.5], ['p95', 0.95]] as const) {
        const bounds = ddBounds(durations, q);
        const value = row[column(frame, key)] as number;
        expect({ name, key, inBounds: value >= bounds.low - 1e-9 && value <= bounds.high + 1e-9 }).toEqual({ name, key, inBounds: true });
      }
    }
  }

  return { checkSeries, checkReleasesTable, checkTransactionsTable, checkWebVitalsTable, checkErrorsTable };
}
