import { linkHeader } from './issues.controller';
import { issueListRequest, listRange } from './issues-query.dto';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const LIMITS = { maxRangeDays: 90, maxPoints: 1000 };

describe('issue list parameters', () => {
  it('defaults to unresolved issues of the last 14 days, most recently seen first, 25 a page', () => {
    expect(issueListRequest(1, {}, LIMITS, NOW)).toEqual({
      projectId: 1,
      status: 'unresolved',
      substatus: undefined,
      query: undefined,
      filters: { release: undefined, environment: undefined },
      range: { fromMs: NOW - 14 * DAY, toMs: NOW },
      sort: 'lastSeen',
      limit: 25,
      offset: 0,
    });
  });

  it('reads every parameter', () => {
    const dto = { status: 'all', substatus: 'regressed', query: ' SHOP-1 ', release: '1.2.0', environment: 'prod', sort: 'users', limit: '100', cursor: '0:200:0', from: '1000', to: '5000' };
    expect(issueListRequest(1, dto, LIMITS, NOW)).toMatchObject({
      status: 'all',
      substatus: 'regressed',
      query: 'SHOP-1',
      filters: { release: '1.2.0', environment: 'prod' },
      range: { fromMs: 1000, toMs: 5000 },
      sort: 'users',
      limit: 100,
      offset: 200,
    });
  });

  it('keeps the default range within QUERY_MAX_RANGE_DAYS and refuses a longer or reversed one', () => {
    expect(listRange(undefined, undefined, NOW, 7)).toEqual({ fromMs: NOW - 7 * DAY, toMs: NOW });
    expect(listRange(undefined, String(NOW - DAY), NOW, 90)).toEqual({ fromMs: NOW - 15 * DAY, toMs: NOW - DAY });
    expect(() => listRange(String(NOW - 100 * DAY), undefined, NOW, 90)).toThrow('the time range may span at most 90 days');
    expect(() => listRange(String(NOW), String(NOW - 1), NOW, 90)).toThrow('to must be after from');
    expect(() => issueListRequest(1, { status: 'open' }, LIMITS, NOW)).toThrow('status="open" must be one of unresolved, resolved, ignored or all');
  });
});

describe('linkHeader', () => {
  it('links the previous and next pages as Sentry does, keeping the other parameters', () => {
    const page = { previous: { cursor: '0:0:1', results: false }, next: { cursor: '0:25:0', results: true } };
    expect(linkHeader('/api/v1/projects/1/issues?sort=events&cursor=0%3A0%3A0', page)).toBe(
      '</api/v1/projects/1/issues?sort=events&cursor=0%3A0%3A1>; rel="previous"; results="false"; cursor="0:0:1", ' +
        '</api/v1/projects/1/issues?sort=events&cursor=0%3A25%3A0>; rel="next"; results="true"; cursor="0:25:0"',
    );
  });
});
