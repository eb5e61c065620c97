import { waitUntil } from '@pulse/local-infra';
import { request } from '@pulse/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecordedFixture, RECORDED_FIXTURES_DIR, replayFixtureRequest } from './sdk/fixtures';
import { E2EStack } from './support/e2e-stack';

/**
 * Issues through the whole stack: SDK envelopes → ingest → Kafka → consumer (ClickHouse, then the
 * issue processor in PostgreSQL) → the query API. Recorded payloads of the official SDKs group as
 * the recording's expectations say; a resolved issue regresses when an event of a later release
 * comes, and stays resolved for an event its resolution covers. Every wait polls a condition the
 * event's processing makes true (the issue's lastSeen reaching the event's timestamp), never a fixed time.
 */
jest.setTimeout(240_000);

interface IssueJson {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  status: string;
  substatus: string | null;
  count: string;
  lastSeen: string;
  statusDetails: Record<string, unknown>;
}

interface ExpectedGrouping {
  file: string;
  eventId: string;
  group: string;
  culprit: string;
}

describe('issues end to end', () => {
  const stack = new E2EStack([{ id: 7 }, { id: 8 }, { id: 9 }]);
  const api = (projectId: number) => `${stack.app('query').url}/api/v1/projects/${projectId}`;
  const auth = (projectId: number) => ({ authorization: `Bearer ${stack.project(projectId).token}` });

  const issues = async (projectId: number, query = 'status=all'): Promise<IssueJson[]> => {
    const response = await request<IssueJson[]>(`${api(projectId)}/issues?${query}`, { headers: auth(projectId) });
    if (response.status !== 200) throw new Error(`GET issues answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const issue = async (projectId: number, id: string): Promise<IssueJson & Record<string, unknown>> => {
    const response = await request<IssueJson & Record<string, unknown>>(`${api(projectId)}/issues/${id}`, { headers: auth(projectId) });
    if (response.status !== 200) throw new Error(`GET issue answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const changeStatus = (projectId: number, id: string, body: unknown) =>
    request<Record<string, unknown>>(`${api(projectId)}/issues/${id}`, { method: 'PUT', headers: { ...auth(projectId), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** One Python-style error event from the same code as the others (one group), in `release`, at `timestampMs`. */
  const sendError = async (projectId: number, release: string, timestampMs: number): Promise<string> => {
    const eventId = randomBytes(16).toString('hex');
    const event = {
      event_id: eventId,
      timestamp: timestampMs / 1000,
      platform: 'python',
      level: 'error',
      release,
      environment: 'production',
      exception: {
        values: [
          {
            type: 'OrderError',
            value: `invalid order ${timestampMs % 1000}`,
            stacktrace: {
              frames: [
                { module: 'app.handlers', function: 'handle', filename: 'app/handlers.py', abs_path: '/srv/app/handlers.py', lineno: 12, in_app: true, context_line: '    return service.checkout(order)' },
                { module: 'app.service', function: 'checkout', filename: 'app/service.py', abs_path: '/srv/app/service.py', lineno: 40, in_app: true, context_line: '    raise OrderError(f"invalid order {order.id}")' },
              ],
            },
          },
        ],
      },
    };
    const body = [JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() }), JSON.stringify({ type: 'event' }), JSON.stringify(event)].join('\n');
    const response = await fetch(`${stack.app('ingest').url}/api/${projectId}/envelope/`, {
      method: 'POST',
      headers: { 'x-sentry-auth': `Sentry sentry_key=${stack.project(projectId).key}, sentry_version=7`, 'content-type': 'application/x-sentry-envelope' },
      body,
    });
    expect([response.status, response.status === 200 ? '' : await response.text()]).toEqual([200, '']);
    return eventId;
  };

  /** Waits until the issue processor applied the event at `timestampMs` (PostgreSQL's lastSeen moves to it). */
  const processed = async (projectId: number, timestampMs: number): Promise<IssueJson> => {
    let found: IssueJson | undefined;
    await waitUntil(`the event at ${new Date(timestampMs).toISOString()} applied to its issue`, async () => {
      found = (await issues(projectId)).find((candidate) => Date.parse(candidate.lastSeen) === timestampMs);
      return found !== undefined;
    });
    return found as IssueJson;
  };

  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('groups the recorded errors of the Python and Rust SDKs as the recordings expect, and shows the latest event in full', async () => {
    const expected = (JSON.parse(readFileSync(join(RECORDED_FIXTURES_DIR, 'expected-grouping.json'), 'utf8')) as ExpectedGrouping[]).filter(
      (entry) => entry.file === 'python-errors.json' || entry.file === 'rust-errors.json',
    );
    for (const name of ['python-errors', 'rust-errors']) {
      for (const recorded of loadRecordedFixture(name)) {
        const response = await replayFixtureRequest(stack.app('ingest').url, recorded, { publicKey: stack.project(7).key, projectId: 7 });
        expect([response.status, response.status === 200 ? '' : await response.text()]).toEqual([200, '']);
      }
    }
    // One issue per (SDK, label), with as many events as the recording has for it.
    const wanted = new Map<string, { culprit: string; events: number }>();
    for (const entry of expected) {
      const key = `${entry.file}:${entry.group}`;
      wanted.set(key, { culprit: entry.culprit, events: (wanted.get(key)?.events ?? 0) + 1 });
    }
    const total = expected.length;
    // The recorded events keep their recording time (Rust sends no `sent_at` to correct it by) until
    // they are 30 days old, then they are moved to the receive time: a 31-day range holds them either way.
    const range = `status=all&from=${Date.now() - 31 * 86_400_000}&to=${Date.now() + 60_000}`;
    let listed: IssueJson[] = [];
    await waitUntil(`${total} recorded events in issues`, async () => {
      listed = await issues(7, range);
      return listed.reduce((sum, candidate) => sum + Number(candidate.count), 0) === total;
    });
    expect(listed).toHaveLength(wanted.size);
    expect(listed.map((candidate) => [candidate.culprit, Number(candidate.count)]).sort()).toEqual(
      [...wanted.values()].map((group) => [group.culprit, group.events]).sort(),
    );
    expect(listed.every((candidate) => candidate.status === 'unresolved' && candidate.substatus === 'new')).toBe(true);

    const sameSite = listed.find((candidate) => candidate.culprit === 'app.service in parse_order');
    expect(sameSite).toBeDefined();
    const detail = await issue(7, (sameSite as IssueJson).shortId);
    const latest = detail.latestEvent as { exceptions: Array<{ type: string; stacktrace: { frames: Array<{ function: string; inApp: boolean; contextLine: string }> } }> };
    const frames = latest.exceptions[latest.exceptions.length - 1].stacktrace.frames;
    expect(frames.some((frame) => frame.function === 'parse_order' && frame.inApp && frame.contextLine !== '')).toBe(true);
  });

  it('stores the Rust SDK’s transactions, whose type is only in the item header', async () => {
    const recorded = loadRecordedFixture('rust-transaction');
    for (const request of recorded) {
      const response = await replayFixtureRequest(stack.app('ingest').url, request, { publicKey: stack.project(9).key, projectId: 9 });
      expect(response.status).toBe(200);
    }
    const transactions = recorded.filter((r) => /"type":"transaction"/.test(r.bodyText ?? '')).length;
    expect(transactions).toBeGreaterThan(0);
    // As above: the recording's own time for 30 days, the receive time after.
    const range = new URLSearchParams({ from: String(Date.now() - 31 * 86_400_000), to: String(Date.now() + 60_000) });
    await waitUntil('the Rust transaction stored', async () => {
      const response = await request<{ data: Array<{ transaction: string; count: number }> }>(`${api(9)}/transactions?${range}`, { headers: auth(9) });
      return response.status === 200 && response.body.data.find((row) => row.transaction === 'checkout')?.count === transactions;
    });
  });

  it('resolve, then an event in a later release: regressed; resolve in next release, then the same release: stays resolved', async () => {
    const start = Date.now() - 60_000;
    await sendError(8, 'shop@1.0.0', start);
    const created = await processed(8, start);
    expect(created).toMatchObject({ status: 'unresolved', substatus: 'new' });

    const resolved = await changeStatus(8, created.id, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved' });

    await sendError(8, 'shop@1.1.0', start + 1_000);
    const regressed = await processed(8, start + 1_000);
    expect(regressed).toMatchObject({ id: created.id, status: 'unresolved', substatus: 'regressed' });

    // The latest release is now shop@1.1.0: "next release" means anything after it.
    const inNext = await changeStatus(8, created.id, { status: 'resolved', statusDetails: { inNextRelease: true } });
    expect(inNext.status).toBe(200);
    await sendError(8, 'shop@1.1.0', start + 2_000);
    const covered = await processed(8, start + 2_000);
    expect(covered).toMatchObject({ id: created.id, status: 'resolved', statusDetails: { inNextRelease: true } });

    await sendError(8, 'shop@1.2.0', start + 3_000);
    expect(await processed(8, start + 3_000)).toMatchObject({ id: created.id, status: 'unresolved', substatus: 'regressed' });

    const activity = await request<Array<{ type: string; data: { toStatus: string | null } }>>(`${api(8)}/issues/${created.id}/activity`, { headers: auth(8) });
    expect(activity.status).toBe(200);
    // Newest first: regression, resolve in next release, regression, resolve, first seen.
    expect(activity.body.map((entry) => entry.type)).toEqual(['set_regression', 'set_status', 'set_regression', 'set_status', 'first_seen']);
    expect(Number((await issue(8, created.id)).count)).toBe(4);
  });
});
