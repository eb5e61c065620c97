import { request } from '@pulse/testing';
import { TOKEN_OF_PROJECT } from '../testing/query-test-app';
import { seededQueryApp } from '../testing/seeded-query-app';

/**
 * The query app while PostgreSQL (the issue store) cannot be reached: /ready says so and names
 * it, /health stays up, the issue endpoints answer 503 with Retry-After rather than a 500, and the
 * ClickHouse reads go on answering.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;

describe('query app with PostgreSQL unreachable', () => {
  const suite = seededQueryApp({
    prefix: 'pulse_issue_store_outage',
    seed: 5,
    records: { startMs: START_MS, minutes: 60, transactions: 200, errors: 50 },
    // Port 1 (tcpmux) of the loopback: privileged, and nothing listens there, so every connect is refused.
    env: { DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:1/pulse' },
  });

  it('is not ready, naming PostgreSQL, while /health answers', async () => {
    const ready = await request<{ checks?: Record<string, unknown> } | string>(`${suite.app.url}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/postgres/);
    expect((await request(`${suite.app.url}/health`)).status).toBe(200);
  });

  it('answers the issue endpoints 503 with Retry-After, and the ClickHouse reads as usual', async () => {
    const issues = await suite.get<{ detail: string }>('issues');
    expect(issues.status).toBe(503);
    expect(issues.headers.get('retry-after')).toBe('5');
    expect(issues.body.detail).toMatch(/PostgreSQL \(issues and alerts\) is unavailable/);
    const change = await request(`${suite.app.url}/api/v1/projects/1/issues/1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN_OF_PROJECT[1]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(change.status).toBe(503);
    const transactions = await suite.get(`transactions?from=${START_MS}&to=${START_MS + 60 * MINUTE}`);
    expect(transactions.status).toBe(200);
  });
});
