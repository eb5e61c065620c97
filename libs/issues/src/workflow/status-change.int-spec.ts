import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { seedIssue, seedRelease } from '@pulse/issues/testing';
import { IssueStore } from '../store/issue.store';
import { InvalidStatusChange } from './status-change-plan';
import { IssueNotFound, IssueWorkflow } from './status-change';

describe('IssueWorkflow.changeStatus on PostgreSQL', () => {
  let db: FreshDatabase;
  let workflow: IssueWorkflow;
  let store: IssueStore;

  beforeAll(async () => {
    db = await freshDatabase('p6b_workflow');
    workflow = new IssueWorkflow(db.pool);
    store = new IssueStore(db.pool);
  });
  afterAll(() => db.drop());

  async function ignoreRows(issueId: number): Promise<number> {
    await db.pool.query(`INSERT INTO issue_ignore_events (issue_id, minute, events) VALUES ($1, date_trunc('minute', now()), 3)`, [issueId]);
    await db.pool.query(`INSERT INTO issue_ignore_users (issue_id, user_id, last_seen) VALUES ($1, 'u1', now())`, [issueId]);
    const { rows } = await db.pool.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM issue_ignore_events WHERE issue_id = $1) + (SELECT count(*) FROM issue_ignore_users WHERE issue_id = $1) AS n',
      [issueId],
    );
    return Number(rows[0].n);
  }

  async function columns(issueId: number): Promise<Record<string, unknown>> {
    const { rows } = await db.pool.query(
      `SELECT resolution_kind, resolution_release, resolved_at IS NOT NULL AS resolved, ignore_until, ignore_count, ignore_window_min,
         ignore_user_count, ignore_user_window_min,
         (SELECT count(*) FROM issue_ignore_events WHERE issue_id = $1) + (SELECT count(*) FROM issue_ignore_users WHERE issue_id = $1) AS ignore_rows
       FROM issues WHERE id = $1`,
      [issueId],
    );
    return rows[0] as Record<string, unknown>;
  }

  it('resolves, ignores with conditions and unresolves, recording each change in the history', async () => {
    const id = await seedIssue(db.pool, { projectId: 1 });
    expect(await ignoreRows(id)).toBe(2);

    const [resolved] = await workflow.changeStatus(1, [id], { status: 'resolved', resolution: { kind: 'resolved' } }, 'alice');
    expect(resolved).toMatchObject({ id, status: 'resolved', substatus: null, statusDetails: {} });
    expect(await columns(id)).toMatchObject({ resolution_kind: 'resolved', resolution_release: null, resolved: true, ignore_rows: '0' });

    const untilMs = Date.now() + 3_600_000;
    const [ignored] = await workflow.changeStatus(
      1,
      [id],
      { status: 'ignored', ignore: { count: 100, windowMinutes: 60, userCount: 5, userWindowMinutes: 1440, untilMs } },
      'bob',
    );
    expect(ignored).toMatchObject({
      status: 'ignored',
      substatus: 'archived_until_condition_met',
      statusDetails: { ignoreCount: 100, ignoreWindow: 60, ignoreUserCount: 5, ignoreUserWindow: 1440, ignoreUntil: new Date(untilMs).toISOString() },
    });
    expect(await columns(id)).toMatchObject({
      resolution_kind: null,
      resolved: false,
      ignore_until: new Date(untilMs),
      ignore_count: '100',
      ignore_window_min: 60,
      ignore_user_count: '5',
      ignore_user_window_min: 1440,
    });

    const [forever] = await workflow.changeStatus(1, [id], { status: 'ignored', ignore: {} }, 'bob');
    expect(forever).toMatchObject({ status: 'ignored', substatus: 'archived_forever', statusDetails: {} });
    expect(await columns(id)).toMatchObject({ ignore_until: null, ignore_count: null, ignore_user_count: null });

    const [unresolved] = await workflow.changeStatus(1, [id], { status: 'unresolved' }, 'carol');
    expect(unresolved).toMatchObject({ status: 'unresolved', substatus: 'ongoing', statusDetails: {} });

    const history = await store.activity(1, id);
    expect(history.map((entry) => [entry.kind, entry.actor, entry.fromStatus, entry.fromSubstatus, entry.toStatus, entry.toSubstatus])).toEqual([
      ['set_status', 'carol', 'ignored', 'archived_forever', 'unresolved', 'ongoing'],
      ['set_status', 'bob', 'ignored', 'archived_until_condition_met', 'ignored', 'archived_forever'],
      ['set_status', 'bob', 'resolved', null, 'ignored', 'archived_until_condition_met'],
      ['set_status', 'alice', 'unresolved', 'new', 'resolved', null],
    ]);
    expect(history[2].details).toEqual({ ignoreCount: 100, ignoreWindow: 60, ignoreUserCount: 5, ignoreUserWindow: 1440, ignoreUntil: new Date(untilMs).toISOString() });
  });

  it('records a change to the status an issue already has', async () => {
    const id = await seedIssue(db.pool, { projectId: 1 });
    await workflow.changeStatus(1, [id], { status: 'unresolved' }, 'alice');
    await workflow.changeStatus(1, [id], { status: 'unresolved' }, 'alice');
    expect((await store.activity(1, id)).map((entry) => [entry.fromSubstatus, entry.toSubstatus])).toEqual([
      ['ongoing', 'ongoing'],
      ['new', 'ongoing'],
    ]);
  });

  it('resolves in the next release as the latest release, and refuses it for a project without releases', async () => {
    const project = 2;
    const id = await seedIssue(db.pool, { projectId: project });
    const inNext = { status: 'resolved', resolution: { kind: 'in_next_release' } } as const;
    await expect(workflow.changeStatus(project, [id], inNext, 'alice')).rejects.toThrow(InvalidStatusChange);
    expect(await store.get(project, id)).toMatchObject({ status: 'unresolved', substatus: 'new' });
    expect(await store.activity(project, id)).toEqual([]);

    await seedRelease(db.pool, project, 'shop@1.10.0', Date.now() - 60_000);
    await seedRelease(db.pool, project, 'shop@1.9.0', Date.now());
    const [resolved] = await workflow.changeStatus(project, [id], inNext, 'alice');
    expect(resolved).toMatchObject({ status: 'resolved', statusDetails: { inNextRelease: true } });
    expect(await columns(id)).toMatchObject({ resolution_kind: 'in_next_release', resolution_release: 'shop@1.10.0' });
  });

  it('resolves in a release that is semver or seen in the project, and refuses any other', async () => {
    const project = 3;
    const id = await seedIssue(db.pool, { projectId: project });
    const inRelease = (release: string) => ({ status: 'resolved', resolution: { kind: 'in_release', release } }) as const;
    await expect(workflow.changeStatus(project, [id], inRelease('nightly-42'), 'alice')).rejects.toThrow(/neither semver nor a release this project has seen/);
    await workflow.changeStatus(project, [id], inRelease('2.0.0'), 'alice');
    expect(await columns(id)).toMatchObject({ resolution_kind: 'in_release', resolution_release: '2.0.0' });
    await seedRelease(db.pool, project, 'nightly-42');
    const [resolved] = await workflow.changeStatus(project, [id], inRelease('nightly-42'), 'alice');
    expect(resolved.statusDetails).toEqual({ inRelease: 'nightly-42' });
  });

  it('changes nothing when one of several issues is not in the project', async () => {
    const a = await seedIssue(db.pool, { projectId: 4 });
    const b = await seedIssue(db.pool, { projectId: 4 });
    const elsewhere = await seedIssue(db.pool, { projectId: 5 });
    const change = { status: 'resolved', resolution: { kind: 'resolved' } } as const;
    const failure = workflow.changeStatus(4, [a, elsewhere, b, 999_999], change, 'alice');
    await expect(failure).rejects.toThrow(IssueNotFound);
    await expect(failure).rejects.toThrow(`project 4 has no issue ${elsewhere}, 999999`);
    for (const [project, id] of [[4, a], [4, b], [5, elsewhere]]) {
      expect(await store.get(project, id)).toMatchObject({ status: 'unresolved' });
      expect(await store.activity(project, id)).toEqual([]);
    }
    const changed = await workflow.changeStatus(4, [b, a, b], change, 'alice');
    expect(changed.map((issue) => [issue.id, issue.status])).toEqual([
      [a, 'resolved'],
      [b, 'resolved'],
    ]);
  });

  it('serializes concurrent changes of one issue: each history entry starts where the previous ended', async () => {
    const id = await seedIssue(db.pool, { projectId: 6 });
    const changes = [
      workflow.changeStatus(6, [id], { status: 'resolved', resolution: { kind: 'resolved' } }, 'alice'),
      workflow.changeStatus(6, [id], { status: 'ignored', ignore: {} }, 'bob'),
      workflow.changeStatus(6, [id], { status: 'unresolved' }, 'carol'),
      workflow.changeStatus(6, [id], { status: 'ignored', ignore: { count: 10 } }, 'dave'),
    ];
    await Promise.all(changes);
    const history = (await store.activity(6, id)).reverse();
    expect(history).toHaveLength(4);
    expect(history[0]).toMatchObject({ fromStatus: 'unresolved', fromSubstatus: 'new' });
    for (let i = 1; i < history.length; i++) {
      expect([history[i].fromStatus, history[i].fromSubstatus]).toEqual([history[i - 1].toStatus, history[i - 1].toSubstatus]);
    }
    const last = history[history.length - 1];
    expect(await store.get(6, id)).toMatchObject({ status: last.toStatus, substatus: last.toSubstatus });
  });
});
