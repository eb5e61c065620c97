import { ClickHouseAnalyticsRepository, IssueAlertCountsService } from '@pulse/analytics';
import { IssueRecorder, ISSUES_CONSUMER } from '@pulse/issues';
import { errorRecord } from '@pulse/issues/testing';
import type { ErrorRecord, SessionRecord } from '@pulse/model';
import type { IssueAlertNotification } from '@pulse/notifiers';
import { ClickHouseRowWriter, Tables, toErrorRow, toSessionRow } from '@pulse/storage';
import { migratedDatabase, MigratedDatabase } from '@pulse/storage/testing';
import { freshDatabase, FreshDatabase, waitForLockWait } from '@pulse/testing';
import type { IssueRuleDefinition, IssueRuleFilters, IssueRuleTrigger } from '../rules/alert-rule';
import { ALERTS_CONSUMER, IssueAlertEvaluator, IssueAlertOutcome, IssuesNotRecordedYet } from './issue-alert-evaluator';

/**
 * The issue alert evaluator on real stores, as the apps run it: each batch is inserted into
 * ClickHouse and applied by the real IssueRecorder (the consumer's path), then evaluated at the
 * same position. The clock of action intervals is the spec's (`clock`); event times are fixed.
 */
jest.setTimeout(60_000);

const TOPIC = 'pulse.errors';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 12);
let db: FreshDatabase;
let ch: MigratedDatabase;
let writer: ClickHouseRowWriter;
let recorder: IssueRecorder;
let evaluator: IssueAlertEvaluator;
let clock = Date.UTC(2026, 11, 7, 12);
const offsets = new Map<number, number>();

beforeAll(async () => {
  db = await freshDatabase('g18_issue_alerts');
  ch = await migratedDatabase('g18_issue_alerts');
  writer = new ClickHouseRowWriter(ch.client);
  recorder = new IssueRecorder(db.pool);
  const limits = { maxExecutionSeconds: 20, maxThreads: 2, maxMemoryUsageBytes: 500 * 1024 ** 2, maxConcurrentQueriesForUser: 0, osThreadPriority: 0 };
  const counts = new IssueAlertCountsService(new ClickHouseAnalyticsRepository(ch.client, limits, () => undefined));
  evaluator = new IssueAlertEvaluator(db.pool, counts, { projects: { project: (id) => ({ id, name: 'my shop' }) }, waitForIssuesMs: 5_000, pollMs: 20, now: () => clock });
}, 120_000);
afterAll(async () => {
  await db?.drop();
  await ch?.client.command({ query: `DROP DATABASE IF EXISTS ${ch.database}` });
  await ch?.client.close();
});

const hex = (seed: string) => seed.padEnd(32, '0').slice(0, 32);

/** The next position of a partition (one partition per test, so tests never share offsets). */
function nextPosition(partition: number, records: readonly ErrorRecord[]) {
  const lastOffset = (offsets.get(partition) ?? -1) + Math.max(1, records.length);
  offsets.set(partition, lastOffset);
  return { topic: TOPIC, partition, lastOffset: String(lastOffset) };
}

/** The consumer's path (ClickHouse, then the recorder), then the evaluator at the same position. */
async function consume(partition: number, records: ErrorRecord[]): Promise<{ outcome: IssueAlertOutcome; position: ReturnType<typeof nextPosition> }> {
  const position = nextPosition(partition, records);
  await store(records, position.lastOffset, partition);
  await recorder.record(records, { consumer: ISSUES_CONSUMER, ...position });
  return { outcome: await evaluator.evaluate(records, position), position };
}

async function store(records: readonly ErrorRecord[], lastOffset: string, partition: number): Promise<void> {
  if (records.length > 0) await writer.insert(Tables.errors, records.map((record) => toErrorRow(record, 90)), `${ch.database}-${partition}-${lastOffset}`);
}

async function addRule(projectId: number, trigger: IssueRuleTrigger, filters: IssueRuleFilters = {}, actionIntervalMinutes = 30): Promise<number> {
  const definition: IssueRuleDefinition = {
    kind: 'issue',
    name: `${trigger.type} of ${projectId}`,
    enabled: true,
    actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }, { type: 'slack', url: 'http://127.0.0.1:9/slack' }],
    trigger,
    filters,
    actionIntervalMinutes,
  };
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO alert_rules (project_id, kind, name, definition, created_by) VALUES ($1, 'issue', $2, $3::jsonb, 'spec') RETURNING id`,
    [projectId, definition.name, JSON.stringify(definition)],
  );
  return Number(rows[0].id);
}

interface IncidentRow {
  rule_id: string;
  issue_id: string;
  status: string;
  details: { trigger: string; reason: string; eventId: string };
}

async function incidents(projectId: number): Promise<IncidentRow[]> {
  const { rows } = await db.pool.query<IncidentRow>('SELECT rule_id, issue_id, status, details FROM alert_incidents WHERE project_id = $1 ORDER BY id', [projectId]);
  return rows;
}

async function deliveries(projectId: number): Promise<Array<{ idempotency_key: string; destination: string; notification: IssueAlertNotification }>> {
  const { rows } = await db.pool.query('SELECT idempotency_key, destination, notification FROM alert_deliveries WHERE project_id = $1 ORDER BY id', [projectId]);
  return rows;
}

async function issueIdOf(projectId: number, hash: string): Promise<string> {
  const { rows } = await db.pool.query<{ issue_id: string }>('SELECT issue_id FROM issue_hashes WHERE project_id = $1 AND hash = $2', [projectId, hash]);
  return rows[0].issue_id;
}

describe('IssueAlertEvaluator', () => {
  it('alerts a new issue once, for the event that opened it, and never again for its later events, a replay or a re-send', async () => {
    const project = 21;
    const hash = hex('21');
    const rule = await addRule(project, { type: 'new_issue' }, {}, 0);
    const first = errorRecord({ projectId: project, fingerprint: hash, exceptions: [{ type: 'TypeError', value: 'x is undefined', mechanism: 'generic', handled: true, frames: [] }], tags: { region: 'eu' }, release: '1.0.0' });
    const second = errorRecord({ projectId: project, fingerprint: hash });
    const { outcome, position } = await consume(1, [first, second]);
    expect(outcome).toEqual({ applied: true, fired: 1, byTrigger: { new_issue: 1, regression: 0, escalating: 0, event_frequency: 0, user_frequency: 0, session_percent: 0 } });
    const issueId = await issueIdOf(project, hash);
    expect(await incidents(project)).toEqual([{ rule_id: String(rule), issue_id: issueId, status: 'triggered', details: { trigger: 'new_issue', reason: expect.any(String), eventId: first.eventId } }]);
    const sent = await deliveries(project);
    expect(sent.map((d) => [d.idempotency_key, d.destination])).toEqual([
      [`issue:${rule}:${issueId}:new_issue:0`, 'webhook'],
      [`issue:${rule}:${issueId}:new_issue:1`, 'slack'],
    ]);
    expect(sent[0].notification).toMatchObject({
      kind: 'issue',
      trigger: 'new_issue',
      link: `/api/v1/projects/${project}/issues/${issueId}`,
      rule: { id: rule },
      issue: { id: Number(issueId), shortId: 'MY-SHOP-1', status: 'unresolved', substatus: 'new', count: 2 },
      event: { eventId: first.eventId, release: '1.0.0', exceptionType: 'TypeError', exceptionValue: 'x is undefined', tags: { region: 'eu' } },
    });

    // The same offsets again: evaluated already.
    expect(await evaluator.evaluate([first, second], position)).toMatchObject({ applied: false, fired: 0 });
    // Another event of the issue, then a client re-send of the first event (the recorder never saw it; the alerts app does).
    expect((await consume(1, [errorRecord({ projectId: project, fingerprint: hash })])).outcome).toMatchObject({ applied: true, fired: 0 });
    const resendPosition = nextPosition(1, [first]);
    await recorder.record([], { consumer: ISSUES_CONSUMER, ...resendPosition });
    expect(await evaluator.evaluate([first], resendPosition)).toMatchObject({ applied: true, fired: 0 });
    expect(await incidents(project)).toHaveLength(1);
    expect(await deliveries(project)).toHaveLength(2);
  });

  it('applies the filters: only the rule whose environment, level, platform and tags all match fires', async () => {
    const project = 22;
    await addRule(project, { type: 'new_issue' }, { environment: 'staging' });
    await addRule(project, { type: 'new_issue' }, { level: 'fatal' });
    await addRule(project, { type: 'new_issue' }, { tags: { region: 'us' } });
    const matching = await addRule(project, { type: 'new_issue' }, { environment: 'production', level: 'warning', platform: 'node', tags: { region: 'eu' } });
    const { outcome } = await consume(2, [errorRecord({ projectId: project, fingerprint: hex('22'), environment: 'production', level: 'error', platform: 'node', tags: { region: 'eu' } })]);
    expect(outcome.fired).toBe(1);
    expect((await incidents(project)).map((incident) => incident.rule_id)).toEqual([String(matching)]);

    const envOnly = 23;
    await addRule(envOnly, { type: 'new_issue' }, { environment: 'staging' });
    expect((await consume(2, [errorRecord({ projectId: envOnly, fingerprint: hex('23'), environment: 'production' })])).outcome.fired).toBe(0);
    expect(await incidents(envOnly)).toEqual([]);
  });

  it('alerts a regression for the event that reopened a resolved issue', async () => {
    const project = 24;
    const hash = hex('24');
    const rule = await addRule(project, { type: 'regression' });
    expect((await consume(3, [errorRecord({ projectId: project, fingerprint: hash })])).outcome.fired).toBe(0);
    const issueId = await issueIdOf(project, hash);
    await db.pool.query(
      `UPDATE issues SET status = 'resolved', substatus = NULL, status_changed_at = now(), resolved_at = now() - interval '1 second', resolution_kind = 'resolved' WHERE id = $1`,
      [issueId],
    );
    // Received after the resolution (the regression rule compares receive times).
    const comeback = errorRecord({ projectId: project, fingerprint: hash, receivedAtMs: Date.now() + MINUTE });
    const { outcome } = await consume(3, [comeback]);
    expect(outcome).toMatchObject({ applied: true, fired: 1, byTrigger: { regression: 1 } });
    expect(await incidents(project)).toEqual([{ rule_id: String(rule), issue_id: issueId, status: 'triggered', details: { trigger: 'regression', reason: expect.any(String), eventId: comeback.eventId } }]);
    expect((await deliveries(project))[0].idempotency_key).toBe(`issue:${rule}:${issueId}:regression:${comeback.eventId}:0`);
  });

  it('alerts an escalation for the event that met the ignore condition', async () => {
    const project = 28;
    const hash = hex('28');
    const rule = await addRule(project, { type: 'escalating' });
    await consume(8, [errorRecord({ projectId: project, fingerprint: hash })]);
    const issueId = await issueIdOf(project, hash);
    const { rows } = await db.pool.query<{ at_ms: number }>(
      `UPDATE issues SET status = 'ignored', substatus = 'archived_until_condition_met', status_changed_at = now(), ignore_count = 2
       WHERE id = $1 RETURNING (extract(epoch FROM status_changed_at) * 1000)::float8 AS at_ms`,
      [issueId],
    );
    const after = (n: number) => errorRecord({ projectId: project, fingerprint: hash, receivedAtMs: rows[0].at_ms + n });
    const meets = after(2);
    const { outcome } = await consume(8, [after(1), meets, after(3)]);
    expect(outcome).toMatchObject({ fired: 1, byTrigger: { escalating: 1 } });
    expect(await incidents(project)).toEqual([
      { rule_id: String(rule), issue_id: issueId, status: 'triggered', details: { trigger: 'escalating', reason: 'the issue is escalating: it had more events than it was ignored for', eventId: meets.eventId } },
    ]);
  });

  it('alerts event frequency only past its count, then waits out its action interval', async () => {
    const project = 25;
    const hash = hex('25');
    const rule = await addRule(project, { type: 'event_frequency', count: 3, windowSeconds: 600 }, { environment: 'production' }, 30);
    const at = (seconds: number, overrides: Partial<ErrorRecord> = {}) => errorRecord({ projectId: project, fingerprint: hash, timestampMs: T0 + seconds * 1000, receivedAtMs: T0 + seconds * 1000, ...overrides });
    // Three events in the window (and one of another environment, which the rule does not count): not more than 3.
    expect((await consume(4, [at(0), at(10), at(20), at(25, { environment: 'staging' })])).outcome.fired).toBe(0);
    const fourth = at(30);
    const { outcome } = await consume(4, [fourth]);
    expect(outcome).toMatchObject({ fired: 1, byTrigger: { event_frequency: 1 } });
    expect((await incidents(project))[0]).toMatchObject({ rule_id: String(rule), details: { trigger: 'event_frequency', reason: '4 events in 600 s (more than 3)', eventId: fourth.eventId } });

    // Within the action interval: nothing, however many events.
    clock += 29 * MINUTE;
    expect((await consume(4, [at(40), at(41)])).outcome.fired).toBe(0);
    clock += MINUTE;
    const later = at(50);
    expect((await consume(4, [later])).outcome.fired).toBe(1);
    expect((await incidents(project)).map((incident) => incident.details.eventId)).toEqual([fourth.eventId, later.eventId]);
    // Past the window, the old events no longer count.
    clock += 31 * MINUTE;
    expect((await consume(4, [at(2000)])).outcome.fired).toBe(0);
  });

  it('alerts user frequency and session percentage against their windows', async () => {
    const project = 26;
    const users = await addRule(project, { type: 'user_frequency', count: 2, windowSeconds: 600 });
    const share = await addRule(project, { type: 'session_percent', percent: 50, windowSeconds: 600 });
    const sessions: SessionRecord[] = Array.from({ length: 4 }, (_, i) => ({
      projectId: project, sessionId: `s${i}`, distinctId: `u${i}`, status: 'ok', init: true, errors: 0, quantity: 1, startedMs: T0 + i * 1000,
      timestampMs: T0 + i * 1000, durationS: null, release: '', environment: 'production', receivedAtMs: T0 + i * 1000,
    }));
    await writer.insert(Tables.sessions, sessions.map((session) => toSessionRow(session, 90)), `${ch.database}-sessions`);
    const event = (i: number, userId: string) => errorRecord({ projectId: project, fingerprint: hex('26'), userId, timestampMs: T0 + 10_000 + i * 1000, receivedAtMs: T0 + 10_000 + i * 1000 });
    // Two users, two events of four sessions: neither threshold is passed.
    expect((await consume(5, [event(0, 'u1'), event(1, 'u2')])).outcome.fired).toBe(0);
    // Three users (more than 2) and three events of four sessions (75%, more than 50%).
    const { outcome } = await consume(5, [event(2, 'u3')]);
    expect(outcome).toMatchObject({ fired: 2, byTrigger: { user_frequency: 1, session_percent: 1 } });
    const byRule = new Map((await incidents(project)).map((incident) => [incident.rule_id, incident.details.reason]));
    expect(byRule.get(String(users))).toBe('3 users in 600 s (more than 2)');
    expect(byRule.get(String(share))).toBe('75% of 4 sessions in 600 s had an event (3 events; more than 50%)');
    const notification = (await deliveries(project)).find((d) => d.notification.rule.id === users)?.notification;
    expect(notification?.issue.userCount).toBe(3);
  });

  it('waits for the issue processor, then evaluates; gives up with IssuesNotRecordedYet when it never applies the batch', async () => {
    const project = 27;
    await addRule(project, { type: 'new_issue' });
    const records = [errorRecord({ projectId: project, fingerprint: hex('27') })];
    const position = nextPosition(6, records);
    await store(records, position.lastOffset, 6);
    // The evaluator polls before the recorder runs: its first read of applied_offsets waits behind this lock.
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE applied_offsets IN ACCESS EXCLUSIVE MODE');
      const evaluation = evaluator.evaluate(records, position);
      await waitForLockWait(db.pool, 'the evaluator polling applied_offsets behind the lock');
      await blocker.query('COMMIT');
      await recorder.record(records, { consumer: ISSUES_CONSUMER, ...position });
      expect(await evaluation).toMatchObject({ applied: true, fired: 1 });
    } finally {
      blocker.release();
    }

    const never = nextPosition(7, records);
    const impatient = new IssueAlertEvaluator(db.pool, { issueEvents: async () => ({ events: 0, users: 0 }), sessionsStarted: async () => 0 }, {
      projects: { project: () => undefined },
      waitForIssuesMs: 200,
      pollMs: 20,
    });
    await expect(impatient.evaluate(records, never)).rejects.toBeInstanceOf(IssuesNotRecordedYet);
    const { rows } = await db.pool.query('SELECT 1 FROM applied_offsets WHERE consumer = $1 AND partition = 7', [ALERTS_CONSUMER]);
    expect(rows).toEqual([]);
  });
});

