import type { ErrorEventsResponse, ErrorGroup } from '@pulse/analytics';
import { request } from '@pulse/testing';
import { seededQueryApp } from '../testing/seeded-query-app';

/**
 * The error endpoints over HTTP on seeded ClickHouse: parameters to 400s, an empty group to 404,
 * and answers that add up to the records. The numbers themselves are checked in
 * libs/analytics/src/errors.int-spec.ts.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;
const FROM = START_MS;
const TO = START_MS + 90 * MINUTE;

describe('error endpoints over HTTP', () => {
  const suite = seededQueryApp({
    prefix: 'pulse_errors_api',
    seed: 7,
    records: { startMs: START_MS, minutes: 90, errors: 600 },
  });
  const get = <T>(path: string) => suite.get<T>(path);
  const mine = () => suite.db.records.errors.filter((r) => r.projectId === 1 && r.timestampMs >= FROM && r.timestampMs < TO);

  it('lists the groups of the project, their counts adding up to its events', async () => {
    const answer = await get<ErrorGroup[]>(`errors?from=${FROM}&to=${TO}&limit=1000`);
    expect(answer.status).toBe(200);
    expect(answer.body.reduce((total, group) => total + group.count, 0)).toBe(mine().length);
    expect(answer.body.map((group) => group.count)).toEqual([...answer.body.map((group) => group.count)].sort((a, b) => b - a));
    const page = await get<ErrorGroup[]>(`errors?from=${FROM}&to=${TO}&sort=first_seen&order=asc&limit=2&offset=1&level=fatal&query=error`);
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(2);
    expect(page.body.every((group) => group.level === 'fatal')).toBe(true);
  });

  it.each([
    ['level=critical', 'level="critical" must be one of fatal, error, warning, info, debug'],
    ['sort=title', 'sort="title" must be one of count, users, last_seen, first_seen'],
    ['order=up', 'order="up" must be asc or desc'],
    ['limit=0', 'limit="0" must be an integer in [1, 1000]'],
    ['os=Linux&tag=nocolon', 'tag="nocolon" must look like key:value'],
  ])('answers 400 for %s', async (parameter, detail) => {
    const answer = await get<{ detail: string }>(`errors?from=${FROM}&to=${TO}&${parameter}`);
    expect(answer).toMatchObject({ status: 400, body: { detail } });
  });

  it('pages the events of a group, newest first, and answers 404 for a group without events', async () => {
    const fingerprint = mine()[0].fingerprint;
    const answer = await get<ErrorEventsResponse>(`errors/${fingerprint.toUpperCase()}/events?from=${FROM}&to=${TO}&limit=3`);
    expect(answer.status).toBe(200);
    expect(answer.body.fingerprint).toBe(fingerprint);
    expect(answer.body.total).toBe(mine().filter((r) => r.fingerprint === fingerprint).length);
    expect(answer.body.events).toHaveLength(3);
    expect(answer.body.events[0].timestamp).toBeGreaterThanOrEqual(answer.body.events[1].timestamp);
    const unknown = await get<{ detail: string }>(`errors/${'e'.repeat(32)}/events?from=${FROM}&to=${TO}`);
    expect(unknown).toMatchObject({ status: 404, body: { detail: `error group ${'e'.repeat(32)} has no events in the time range and filters` } });
    const bad = await get<{ detail: string }>(`errors/xyz/events?from=${FROM}&to=${TO}`);
    expect(bad).toMatchObject({ status: 400, body: { detail: 'fingerprint "xyz" must be 32 hex characters' } });
  });

  it('needs a token', async () => {
    expect((await request(`${suite.projectUrl}/errors?from=${FROM}&to=${TO}`)).status).toBe(401);
  });
});
