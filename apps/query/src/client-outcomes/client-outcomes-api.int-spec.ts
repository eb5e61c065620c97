import type { ClientOutcomes } from '@pulse/analytics';
import { request } from '@pulse/testing';
import { seededQueryApp } from '../testing/seeded-query-app';

/**
 * GET client-outcomes ("dropped by the client") over HTTP on seeded ClickHouse: parameters to
 * 400s, the token, the series only with an interval, and answers that add up to the records. The
 * numbers themselves are checked in libs/analytics/src/client-outcomes.int-spec.ts.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;
const FROM = START_MS;
const TO = START_MS + 90 * MINUTE;

describe('client-outcomes endpoint over HTTP', () => {
  const suite = seededQueryApp({
    prefix: 'pulse_p4_client_outcomes_api',
    seed: 11,
    records: { startMs: START_MS, minutes: 90, clientReports: 400 },
  });
  const mine = () => suite.db.records.clientReports.filter((r) => r.projectId === 1 && r.timestampMs >= FROM && r.timestampMs < TO);
  const sum = (quantities: number[]) => quantities.reduce((total, quantity) => total + quantity, 0);

  it('sums what the SDKs of the project dropped, per reason and category, without a series unless asked', async () => {
    const answer = await suite.get<ClientOutcomes>(`client-outcomes?from=${FROM}&to=${TO}`);
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(sum(mine().map((r) => r.quantity)));
    expect(answer.body.total).toBeGreaterThan(0);
    expect(sum(answer.body.byReason.map((group) => group.quantity))).toBe(answer.body.total);
    expect(Object.keys(answer.body).sort()).toEqual(['byReason', 'total']);
  });

  it('adds the series, every bucket of the range, when an interval is given, and filters by release and environment', async () => {
    const answer = await suite.get<ClientOutcomes>(`client-outcomes?from=${FROM}&to=${TO}&interval=15m&environment=staging`);
    expect(answer.status).toBe(200);
    expect(answer.body.interval_ms).toBe(15 * MINUTE);
    // Buckets aligned to the epoch: from the one holding `from` to the last starting before `to`.
    const interval = 15 * MINUTE;
    expect(answer.body.series?.map((point) => point.t)).toEqual(Array.from({ length: Math.ceil((TO - Math.floor(FROM / interval) * interval) / interval) }, (_, i) => Math.floor(FROM / interval) * interval + i * interval));
    expect(sum((answer.body.series ?? []).map((point) => point.quantity))).toBe(sum(mine().filter((r) => r.environment === 'staging').map((r) => r.quantity)));
    const release = await suite.get<ClientOutcomes>(`client-outcomes?from=${FROM}&to=${TO}&release=1.1.0`);
    expect(release.body.total).toBe(sum(mine().filter((r) => r.release === '1.1.0').map((r) => r.quantity)));
  });

  it.each([
    ['os=Linux', 'client outcomes cannot be filtered by os'],
    ['transaction=%2Fcheckout', 'client outcomes cannot be filtered by transaction'],
    ['interval=soon', 'interval="soon" must look like 30s, 5m, 1h, 1d or milliseconds'],
    ['start=1', 'property start should not exist'],
  ])('answers 400 for %s', async (parameter, detail) => {
    const answer = await suite.get<{ detail: string }>(`client-outcomes?from=${FROM}&to=${TO}&${parameter}`);
    expect(answer).toMatchObject({ status: 400, body: { detail } });
  });

  it('needs a token', async () => {
    expect((await request(`${suite.projectUrl}/client-outcomes?from=${FROM}&to=${TO}`)).status).toBe(401);
  });
});
