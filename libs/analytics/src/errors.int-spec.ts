import type { ErrorRecord } from '@pulse/model';
import { SeedOptions } from '@pulse/testing';
import type { Source } from './aggregate-query';
import { compileErrorEvents } from './error-events.query';
import { compileErrorGroups, ERROR_GROUP_SORTS, ErrorGroupSort, ErrorGroupsInput } from './errors.query';
import { ErrorEventRow, ErrorGroup, ErrorGroupRow, toErrorEventsResponse, toErrorGroups } from './errors.result';
import type { Filters } from './filters';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';

/**
 * Error groups and events on generated data (a dozen groups over three projects) against values
 * computed here from the same records. Tolerances: none. Counts, unhandled counts and first/last
 * seen are exact; users too (uniq is exact below 65,536 distinct values, ~60 here). Raw and
 * rollup answers: identical.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const PROJECT = 1;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 3_600_000;
const OPTIONS: SeedOptions = { startMs: START_MS, minutes: 150, errors: 3000 };
/** Not minute-aligned at either end: the rollup path reads raw rows for the edge minutes. */
const RANGE = { fromMs: START_MS + 17_345, toMs: START_MS + 140 * MINUTE + 31_234 };
const TAGGED = 'ab'.repeat(16);
const OTHER_PROJECTS_ONLY = 'cd'.repeat(16);
const NON_ASCII = 'ef'.repeat(16);

function event(overrides: Partial<ErrorRecord>, i: number): ErrorRecord {
  const timestampMs = START_MS + 5 * MINUTE + i * 97_531;
  return {
    projectId: PROJECT, eventId: i.toString(16).padStart(32, 'e'), timestampMs, level: 'info', platform: 'javascript',
    title: 'TypeError: tagged thing', message: 'message', culprit: 'tagged(app.js)', fingerprint: TAGGED, handled: i % 3 !== 0,
    exceptions: [{ type: 'TypeError', value: 'tagged thing', mechanism: 'onerror', handled: i % 3 !== 0, frames: [] }],
    transaction: '/tagged', traceId: '', spanId: '', release: i % 2 === 0 ? '' : '3.0.0', environment: 'production', dist: '',
    userId: i % 4 === 0 ? '' : `tagged-user-${i % 5}`, browserName: 'Edge', osName: 'Linux', sdkName: 'sentry.javascript.browser',
    sdkVersion: '11.12.0', tags: { region: i % 2 === 0 ? 'eu' : 'us' }, eventJson: '', receivedAtMs: timestampMs + 1000,
    groupingConfig: 'pulse:2026-06', secondaryFingerprint: '', ...overrides,
  };
}

/**
 * Besides the seeded errors: a group of this project with tags, events without a release and
 * level info, with events just inside and outside the range; a group with a title that is not
 * ASCII; a group only another project has.
 */
const EXTRA: ErrorRecord[] = [
  ...Array.from({ length: 80 }, (_, i) => event({}, i)),
  event({ eventId: 'f'.repeat(32), timestampMs: RANGE.fromMs }, 100),
  event({ eventId: `${'f'.repeat(31)}0`, timestampMs: RANGE.toMs }, 101),
  ...Array.from({ length: 5 }, (_, i) => event({ fingerprint: NON_ASCII, title: 'Ошибка: Über den Wolken', level: 'warning', tags: {}, timestampMs: START_MS + (30 + i) * MINUTE }, 150 + i)),
  ...Array.from({ length: 10 }, (_, i) => event({ projectId: 2, fingerprint: OTHER_PROJECTS_ONLY, title: 'Hidden', timestampMs: START_MS + (20 + i) * MINUTE }, 200 + i)),
];

const FIELDS: Record<Exclude<keyof Filters, 'tags'>, (r: ErrorRecord) => string> = {
  transaction: (r) => r.transaction,
  release: (r) => r.release,
  environment: (r) => r.environment,
  browser: (r) => r.browserName,
  os: (r) => r.osName,
};

type Expect = { filters?: Filters; level?: string; search?: string; projectId?: number };

describe('error groups and events against seeded ClickHouse', () => {
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase('pulse_errors', 20251205, OPTIONS, { errors: EXTRA });
  }, 120_000);
  afterAll(async () => {
    await db?.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db?.client.close();
  });

  /** The events the API should see: the project, the range [from, to), the filters. */
  function events({ filters = {}, level, search, projectId = PROJECT }: Expect = {}): ErrorRecord[] {
    return db.records.errors.filter(
      (r) =>
        r.projectId === projectId &&
        r.timestampMs >= RANGE.fromMs &&
        r.timestampMs < RANGE.toMs &&
        Object.entries(FIELDS).every(([name, field]) => filters[name as keyof typeof FIELDS] === undefined || field(r) === filters[name as keyof typeof FIELDS]) &&
        (filters.tags ?? []).every(([key, value]) => r.tags[key] === value) &&
        (level === undefined || r.level === level) &&
        (search === undefined || r.title.toLowerCase().includes(search.toLowerCase())),
    );
  }

  /** Groups computed from the records, sorted as the API sorts them. */
  function expectedGroups(scope: Expect = {}, sort: ErrorGroupSort = 'count', order: 'asc' | 'desc' = 'desc'): ErrorGroup[] {
    const byFingerprint = new Map<string, ErrorRecord[]>();
    for (const r of events(scope)) byFingerprint.set(r.fingerprint, [...(byFingerprint.get(r.fingerprint) ?? []), r]);
    const groups = [...byFingerprint.entries()].map(([fingerprint, list]): ErrorGroup => ({
      fingerprint,
      title: list[0].title,
      culprit: list[0].culprit,
      level: list[0].level,
      count: list.length,
      users: new Set(list.filter((r) => r.userId !== '').map((r) => r.userId)).size,
      first_seen: Math.min(...list.map((r) => r.timestampMs)),
      last_seen: Math.max(...list.map((r) => r.timestampMs)),
      releases: [...new Set(list.map((r) => r.release).filter((release) => release !== ''))].sort(),
      unhandled: list.filter((r) => !r.handled).length,
    }));
    const sign = order === 'asc' ? 1 : -1;
    return groups.sort((a, b) => sign * (a[sort] - b[sort]) || (a.fingerprint < b.fingerprint ? -1 : 1));
  }

  async function groups(input: Partial<ErrorGroupsInput>, source?: Source): Promise<ErrorGroup[]> {
    const base: ErrorGroupsInput = { projectId: PROJECT, range: RANGE, filters: {}, sort: 'count', order: 'desc', limit: 1000, offset: 0 };
    const { query } = compileErrorGroups({ ...base, ...input, source });
    return toErrorGroups(await db.run<ErrorGroupRow>(query));
  }

  it('seeds what the checks need: a dozen groups with several levels, and a tagged group', () => {
    const mine = expectedGroups();
    expect(mine.length).toBe(14);
    expect(new Set(mine.map((g) => g.level))).toEqual(new Set(['error', 'fatal', 'warning', 'info']));
    expect(mine.every((g) => g.unhandled > 0 && g.unhandled < g.count)).toBe(true);
  });

  it('lists every group exactly as the records say, identical on the raw and rollup paths', async () => {
    expect(compileErrorGroups({ projectId: PROJECT, range: RANGE, filters: {}, sort: 'count', order: 'desc', limit: 50, offset: 0 }).source).toBe('rollup');
    const raw = await groups({}, 'raw');
    expect(await groups({}, 'rollup')).toEqual(raw);
    expect(raw).toEqual(expectedGroups());
    // The events exactly at from and to: the first is in, the second out.
    expect(raw.find((g) => g.fingerprint === TAGGED)?.first_seen).toBe(RANGE.fromMs);
  });

  it.each<[string, Filters]>([
    ['release', { release: '1.1.0' }],
    ['environment', { environment: 'staging' }],
    ['release and environment', { release: '3.0.0', environment: 'production' }],
  ])('filters by %s on both paths', async (_, filters) => {
    const raw = await groups({ filters }, 'raw');
    expect(await groups({ filters }, 'rollup')).toEqual(raw);
    expect(raw).toEqual(expectedGroups({ filters }));
    expect(raw.length).toBeGreaterThan(0);
  });

  it.each<[string, Expect]>([
    ['level', { level: 'fatal' }],
    ['a title substring, case-insensitively', { search: 'error1' }],
    ['a title substring that is not ASCII, case-insensitively', { search: 'ОШИБКА: ÜBER' }],
    ['tag', { filters: { tags: [['region', 'eu']] } }],
    ['transaction and browser', { filters: { transaction: '/checkout', browser: 'Firefox' } }],
    ['level, search and release together', { level: 'info', search: 'TAGGED', filters: { release: '3.0.0' } }],
  ])('filters by %s on raw rows', async (_, scope) => {
    const input = { filters: scope.filters ?? {}, level: scope.level as ErrorGroupsInput['level'], search: scope.search };
    expect(compileErrorGroups({ projectId: PROJECT, range: RANGE, sort: 'count', order: 'desc', limit: 50, offset: 0, ...input }).source).toBe('raw');
    const answer = await groups(input);
    expect(answer).toEqual(expectedGroups(scope));
    expect(answer.length).toBeGreaterThan(0);
  });

  it('still narrows the raw scan by project and time through the primary key when level or query wrap the table', async () => {
    const { query } = compileErrorGroups({ projectId: PROJECT, range: RANGE, filters: {}, level: 'error', search: 'x', sort: 'count', order: 'desc', limit: 5, offset: 0 });
    const plan = await db.client.query({ query: `EXPLAIN indexes = 1 ${query.sql}`, query_params: query.params, format: 'TabSeparatedRaw' });
    const text = await plan.text();
    expect(text).toMatch(/PrimaryKey\s+Keys:\s+project_id\s+toStartOfHour\(timestamp\)\s+Condition: .*project_id in \[1, 1\]/);
  });

  it('sorts by every allowed column both ways and pages through the sorted list', async () => {
    for (const sort of Object.keys(ERROR_GROUP_SORTS) as ErrorGroupSort[]) {
      for (const order of ['asc', 'desc'] as const) {
        const expected = expectedGroups({}, sort, order);
        expect(await groups({ sort, order })).toEqual(expected);
        expect(await groups({ sort, order, limit: 5, offset: 4 }, 'rollup')).toEqual(expected.slice(4, 9));
      }
    }
    expect(await groups({ offset: 100 })).toEqual([]);
  });

  it("never shows another project's errors", async () => {
    const mine = await groups({});
    expect(mine.map((g) => g.fingerprint)).not.toContain(OTHER_PROJECTS_ONLY);
    const theirs = await groups({ projectId: 2 });
    expect(theirs).toEqual(expectedGroups({ projectId: 2 }));
    expect(theirs.find((g) => g.fingerprint === OTHER_PROJECTS_ONLY)).toMatchObject({ count: 10, title: 'Hidden' });
  });

  describe('events of a group', () => {
    const newestFirst = (a: ErrorRecord, b: ErrorRecord) => b.timestampMs - a.timestampMs || (a.eventId < b.eventId ? 1 : -1);

    async function page(fingerprint: string, limit: number, offset: number, filters: Filters = {}) {
      const { events: list, total } = compileErrorEvents({ projectId: PROJECT, range: RANGE, fingerprint, filters, limit, offset });
      const [rows, [count]] = await Promise.all([db.run<ErrorEventRow>(list), db.run<{ total: number | string }>(total)]);
      return toErrorEventsResponse(fingerprint, rows, count.total);
    }

    it('shows each event with its fields and exception chain, frames included, newest first', async () => {
      const fingerprint = expectedGroups()[0].fingerprint;
      const expected = events().filter((r) => r.fingerprint === fingerprint).sort(newestFirst);
      expect(expected.some((r) => r.exceptions.length === 2)).toBe(true);
      const first = await page(fingerprint, 20, 0);
      const second = await page(fingerprint, 20, 20);
      expect(first.total).toBe(expected.length);
      expect(second.total).toBe(expected.length);
      expect([...first.events, ...second.events]).toEqual(
        expected.slice(0, 40).map((r) => ({
          event_id: r.eventId, timestamp: r.timestampMs, level: r.level, title: r.title, message: r.message, culprit: r.culprit,
          handled: r.handled, release: r.release, environment: r.environment, transaction: r.transaction, trace_id: r.traceId,
          span_id: r.spanId, user_id: r.userId, browser: r.browserName, os: r.osName, tags: r.tags, exceptions: r.exceptions,
        })),
      );
      expect(first.events[0].exceptions.at(-1)?.frames[0]).toMatchObject({ function: expect.stringMatching(/^handler\d+$/), inApp: true });
    });

    it('applies the filters, and finds nothing for a group without events in the project and range', async () => {
      const tagged = await page(TAGGED, 1000, 0, { tags: [['region', 'us']] });
      const expected = events({ filters: { tags: [['region', 'us']] } }).filter((r) => r.fingerprint === TAGGED);
      expect(tagged.total).toBe(expected.length);
      expect(tagged.events.map((e) => e.event_id)).toEqual(expected.sort(newestFirst).map((r) => r.eventId));
      expect(await page(OTHER_PROJECTS_ONLY, 10, 0)).toEqual({ fingerprint: OTHER_PROJECTS_ONLY, events: [], total: 0 });
    });
  });
});
