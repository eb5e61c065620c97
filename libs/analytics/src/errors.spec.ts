import { compileErrorEvents, parseFingerprint } from './error-events.query';
import { compileErrorGroups, ErrorGroupsInput, parseErrorLevel, parseErrorSearch } from './errors.query';
import { toErrorEventsResponse, toErrorGroups } from './errors.result';
import { QueryParameterError } from './time-range';

const HOUR = 3_600_000;
const base: ErrorGroupsInput = { projectId: 7, range: { fromMs: 0, toMs: 2 * HOUR }, filters: {}, sort: 'count', order: 'desc', limit: 50, offset: 0 };

describe('compileErrorGroups', () => {
  it('reads the rollup for a long range filtered by release and environment', () => {
    const { query, source } = compileErrorGroups({ ...base, filters: { release: 'r1', environment: 'prod' } });
    expect(source).toBe('rollup');
    expect(query.sql).toContain('FROM errors_minute');
    expect(query.sql).toContain('release = {f_release:String}');
    expect(query.sql).toContain("arraySort(groupUniqArrayIf(release, release != ''))");
    expect(query.params).toMatchObject({ project_id: 7, f_release: 'r1', f_environment: 'prod', limit: 50, offset: 0 });
  });

  it.each([
    ['level', { level: 'fatal' as const }],
    ['query', { search: 'TypeError' }],
    ['tag', { filters: { tags: [['region', 'eu']] as Array<[string, string]> } }],
    ['transaction', { filters: { transaction: '/checkout' } }],
  ])('reads raw rows for a %s filter', (_, extra) => {
    const { query, source } = compileErrorGroups({ ...base, ...extra });
    expect(source).toBe('raw');
    expect(query.sql).not.toContain('errors_minute');
  });

  it('binds level and the search text, never renders them', () => {
    const { query } = compileErrorGroups({ ...base, level: 'error', search: "x' OR 1=1 --" });
    expect(query.sql).toContain('(SELECT * FROM errors WHERE level = {level:String} AND positionCaseInsensitiveUTF8(title, {search:String}) > 0)');
    expect(query.params).toMatchObject({ level: 'error', search: "x' OR 1=1 --" });
    expect(query.sql).not.toContain('OR 1=1');
  });

  it('refuses the rollup path when a filter needs raw rows', () => {
    expect(() => compileErrorGroups({ ...base, level: 'error', source: 'rollup' })).toThrow(QueryParameterError);
  });

  it('sorts by the allow-listed alias, then by fingerprint', () => {
    expect(compileErrorGroups({ ...base, sort: 'last_seen', order: 'asc' }).query.sql).toContain('ORDER BY last_seen ASC, fingerprint ASC');
    expect(compileErrorGroups({ ...base, sort: 'users' }).query.sql).toContain('ORDER BY users DESC, fingerprint ASC');
  });
});

describe('error list parameters', () => {
  it('accepts the record levels only', () => {
    expect(parseErrorLevel(undefined)).toBeUndefined();
    expect(parseErrorLevel('warning')).toBe('warning');
    expect(() => parseErrorLevel('critical')).toThrow('level="critical" must be one of fatal, error, warning, info, debug');
  });

  it('treats a blank search as none and caps its length', () => {
    expect(parseErrorSearch('  ')).toBeUndefined();
    expect(parseErrorSearch('Type Error')).toBe('Type Error');
    expect(() => parseErrorSearch('x'.repeat(201))).toThrow(QueryParameterError);
  });

  it('accepts a fingerprint of 32 hex characters, in lower case', () => {
    expect(parseFingerprint('ABCDEF0123456789abcdef0123456789')).toBe('abcdef0123456789abcdef0123456789');
    expect(() => parseFingerprint('abc')).toThrow('fingerprint "abc" must be 32 hex characters');
    expect(() => parseFingerprint(`${'0'.repeat(31)}g`)).toThrow(QueryParameterError);
  });
});

describe('compileErrorEvents', () => {
  it('pages the newest events and counts them with the same conditions', () => {
    const { events, total } = compileErrorEvents({
      projectId: 3,
      range: { fromMs: 1000, toMs: 5000 },
      fingerprint: 'a'.repeat(32),
      filters: { browser: 'Chrome', tags: [['k', 'v']] },
      limit: 10,
      offset: 20,
    });
    expect(events.sql).toContain('ORDER BY timestamp DESC, event_id DESC');
    expect(events.sql).toContain('browser_name = {f_browser:String}');
    expect(events.params).toMatchObject({ project_id: 3, fingerprint: 'a'.repeat(32), from: 1000, to: 5000, limit: 10, offset: 20, f_tag_key_0: 'k' });
    expect(total.sql).toContain('tags[{f_tag_key_0:String}] = {f_tag_value_0:String}');
    expect(total.sql).not.toContain('exceptions');
    expect(total.params).not.toHaveProperty('limit');
  });
});

describe('result shaping', () => {
  it('turns 64-bit strings into numbers', () => {
    const groups = toErrorGroups([
      { fingerprint: 'f', title: 't', culprit: 'c', level: 'error', count: '3', users: '2', first_seen: '1000', last_seen: '2000', releases: ['1.0'], unhandled: '1' },
    ]);
    expect(groups).toEqual([{ fingerprint: 'f', title: 't', culprit: 'c', level: 'error', count: 3, users: 2, first_seen: 1000, last_seen: 2000, releases: ['1.0'], unhandled: 1 }]);
  });

  it('parses the exception chain and shows an unreadable one as empty', () => {
    const row = {
      event_id: 'e', timestamp_ms: '1500', level: 'error', title: 't', message: '', culprit: 'c', handled: false, release: '', environment: '',
      transaction: '', trace_id: '', span_id: '', user_id: '', browser: '', os: '', tags: { a: 'b' },
    };
    const chain = [{ type: 'Error', value: 'x', mechanism: 'generic', handled: false, frames: [] }];
    const response = toErrorEventsResponse('f', [{ ...row, exceptions: JSON.stringify(chain) }, { ...row, exceptions: '{' }], '2');
    expect(response.total).toBe(2);
    expect(response.events[0]).toMatchObject({ timestamp: 1500, handled: false, tags: { a: 'b' }, exceptions: chain });
    expect(response.events[1].exceptions).toEqual([]);
  });
});
