import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { seedIssue, seedRelease } from '@pulse/issues/testing';
import { SUBSTATUS_FADES_AFTER_MS } from '../issue';
import { IssueWorkflow } from '../workflow/status-change';
import { IssueStore } from './issue.store';

describe('IssueStore on PostgreSQL', () => {
  let db: FreshDatabase;
  let store: IssueStore;
  const now = Date.now();
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    db = await freshDatabase('p6b_store');
    store = new IssueStore(db.pool);
    ids.fresh = await seedIssue(db.pool, { projectId: 1, title: 'TypeError: cart is undefined', lastSeenMs: now - 1_000, hash: 'aaa' });
    ids.faded = await seedIssue(db.pool, { projectId: 1, title: 'RangeError', culprit: 'Checkout.render', lastSeenMs: now - 2_000, substatusChangedAtMs: now - SUBSTATUS_FADES_AFTER_MS - 60_000 });
    ids.resolved = await seedIssue(db.pool, { projectId: 1, title: 'Timeout', lastSeenMs: now - 3_000 });
    ids.otherProject = await seedIssue(db.pool, { projectId: 2, title: 'TypeError: cart is undefined' });
    await db.pool.query(`INSERT INTO issue_hashes (project_id, hash, issue_id, grouping_config) VALUES (1, '000', $1, 'legacy')`, [ids.fresh]);
    await new IssueWorkflow(db.pool).changeStatus(1, [ids.resolved], { status: 'resolved', resolution: { kind: 'resolved' } }, 'alice');
    await seedRelease(db.pool, 1, '1.0.0', now - 5_000);
  });
  afterAll(() => db.drop());

  it('gets an issue by id and by short number, with all its hashes, only within its project', async () => {
    const issue = await store.get(1, ids.fresh);
    expect(issue).toMatchObject({ id: ids.fresh, projectId: 1, shortNumber: 1, status: 'unresolved', substatus: 'new', hashes: ['000', 'aaa'], timesSeen: 1 });
    expect(issue?.lastSeenMs).toBe(now - 1_000);
    expect(await store.getByShortNumber(1, 1)).toEqual(issue);
    expect(await store.get(2, ids.fresh)).toBeUndefined();
    expect(await store.getByShortNumber(1, 99)).toBeUndefined();
  });

  it('lists by status, effective substatus and text, most recently seen first', async () => {
    const listed = async (query: Parameters<IssueStore['list']>[1]) => (await store.list(1, query)).map((issue) => issue.id);
    expect(await listed({ limit: 10 })).toEqual([ids.fresh, ids.faded, ids.resolved]);
    expect(await listed({ limit: 2 })).toEqual([ids.fresh, ids.faded]);
    expect(await listed({ status: 'unresolved', limit: 10 })).toEqual([ids.fresh, ids.faded]);
    expect(await listed({ substatus: 'new', limit: 10 })).toEqual([ids.fresh]);
    expect(await listed({ substatus: 'ongoing', limit: 10 })).toEqual([ids.faded]);
    expect(await listed({ status: 'resolved', limit: 10 })).toEqual([ids.resolved]);
    expect(await listed({ text: 'CART', limit: 10 })).toEqual([ids.fresh]);
    expect(await listed({ text: 'checkout.', limit: 10 })).toEqual([ids.faded]);
    expect(await listed({ text: '%', limit: 10 })).toEqual([]);
    await expect(store.list(1, { limit: 10_001 })).rejects.toThrow(RangeError);
  });

  it('reads the history and the releases of a project', async () => {
    expect(await store.activity(1, ids.resolved)).toMatchObject([{ issueId: ids.resolved, kind: 'set_status', actor: 'alice', toStatus: 'resolved' }]);
    expect(await store.activity(2, ids.resolved)).toEqual([]);
    expect(await store.releases(1)).toEqual([{ version: '1.0.0', firstSeenMs: now - 5_000 }]);
    expect(await store.releases(2)).toEqual([]);
  });
});
