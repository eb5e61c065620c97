import type { ErrorRecord } from '@pulse/model';
import { errorRecord } from '@pulse/issues/testing';
import { freshDatabase, FreshDatabase, waitForLockWait } from '@pulse/testing';
import { IssueRecorder, ISSUES_CONSUMER } from './issue-recorder';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 11, 1, 12);
let db: FreshDatabase;
let recorder: IssueRecorder;
let nextOffset = 0;

beforeAll(async () => {
  db = await freshDatabase('p6a_recorder');
  recorder = new IssueRecorder(db.pool);
});
afterAll(async () => db?.drop());

const hex = (seed: string) => seed.padEnd(32, '0').slice(0, 32);

/** A batch on partition `partition` at the next offsets. */
async function record(records: ErrorRecord[], partition = 0) {
  nextOffset += Math.max(1, records.length);
  return recorder.record(records, { consumer: ISSUES_CONSUMER, topic: 'errors', partition, lastOffset: String(nextOffset) });
}

interface IssueRow {
  id: string;
  short_number: string;
  status: string;
  substatus: string | null;
  times_seen: string;
  title: string;
  first_release: string;
  last_release: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

async function issueByHash(projectId: number, hash: string): Promise<IssueRow | undefined> {
  const { rows } = await db.pool.query<IssueRow>(
    `SELECT i.id, i.short_number, i.status, i.substatus, i.times_seen, i.title, i.first_release, i.last_release,
            (extract(epoch FROM i.first_seen) * 1000)::float8 AS first_seen_ms, (extract(epoch FROM i.last_seen) * 1000)::float8 AS last_seen_ms
     FROM issues i JOIN issue_hashes h ON h.issue_id = i.id WHERE h.project_id = $1 AND h.hash = $2`,
    [projectId, hash],
  );
  return rows[0];
}

async function activityKinds(issueId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ kind: string }>('SELECT kind FROM issue_activity WHERE issue_id = $1 ORDER BY id', [issueId]);
  return rows.map((row) => row.kind);
}

/** Resolves as the API does (PostgreSQL's clock sets resolved_at); returns resolved_at in ms. */
async function resolve(issueId: string, kind: 'resolved' | 'in_release' | 'in_next_release', release: string | null = null): Promise<number> {
  const { rows } = await db.pool.query<{ resolved_at_ms: number }>(
    `UPDATE issues SET status = 'resolved', substatus = NULL, status_changed_at = now(), resolved_at = now(), resolution_kind = $2, resolution_release = $3
     WHERE id = $1 RETURNING (extract(epoch FROM resolved_at) * 1000)::float8 AS resolved_at_ms`,
    [issueId, kind, release],
  );
  return rows[0].resolved_at_ms;
}


describe('IssueRecorder', () => {
  it('creates one issue per fingerprint and updates it with exact counts and the newest event', async () => {
    const b = hex('b1');
    const c = hex('c1');
    const outcome = await record([
      errorRecord({ projectId: 11, fingerprint: b, title: 'first', release: '1.0.0', timestampMs: START }),
      errorRecord({ projectId: 11, fingerprint: b, title: 'second', release: '1.1.0', timestampMs: START + HOUR }),
      errorRecord({ projectId: 11, fingerprint: c }),
    ]);
    expect(outcome).toEqual({ applied: true, created: 2, updated: 0, regressed: 0, escalated: 0 });
    const issue = await issueByHash(11, b);
    expect(issue).toMatchObject({ status: 'unresolved', substatus: 'new', times_seen: '2', title: 'second', first_release: '1.0.0', last_release: '1.1.0', first_seen_ms: START, last_seen_ms: START + HOUR });
    expect((await issueByHash(11, c))?.short_number).not.toBe(issue?.short_number);
    expect(await activityKinds(issue?.id ?? '')).toEqual(['first_seen']);

    // An older event counts but does not change the title or the last release.
    expect(await record([errorRecord({ projectId: 11, fingerprint: b, title: 'late', release: '0.9.0', timestampMs: START - HOUR })])).toMatchObject({ created: 0, updated: 1 });
    expect(await issueByHash(11, b)).toMatchObject({ times_seen: '3', title: 'second', last_release: '1.1.0', first_seen_ms: START - HOUR, last_seen_ms: START + HOUR });
  });

  it('keeps the earliest received event of the group that created the issue as its first event', async () => {
    const hash = hex('f9');
    const early = errorRecord({ projectId: 41, fingerprint: hash, receivedAtMs: START, timestampMs: START + HOUR });
    const late = errorRecord({ projectId: 41, fingerprint: hash, receivedAtMs: START + 1, timestampMs: START });
    await record([late, early]);
    await record([errorRecord({ projectId: 41, fingerprint: hash, receivedAtMs: START - HOUR })]);
    const { rows } = await db.pool.query<{ first_event_id: string }>('SELECT i.first_event_id FROM issues i JOIN issue_hashes h ON h.issue_id = i.id WHERE h.project_id = 41 AND h.hash = $1', [hash]);
    expect(rows).toEqual([{ first_event_id: early.eventId }]);
  });

  it('finds an issue by the secondary fingerprint and links the new hash to it', async () => {
    const oldHash = hex('d1');
    const newHash = hex('d2');
    await record([errorRecord({ projectId: 12, fingerprint: oldHash })]);
    const outcome = await record([errorRecord({ projectId: 12, fingerprint: newHash, secondaryFingerprint: oldHash, groupingConfig: 'pulse:2027-01' })]);
    expect(outcome).toMatchObject({ created: 0, updated: 1 });
    const viaNew = await issueByHash(12, newHash);
    expect(viaNew?.id).toBe((await issueByHash(12, oldHash))?.id);
    expect(viaNew?.times_seen).toBe('2');
    const { rows } = await db.pool.query('SELECT count(*)::int AS issues FROM issues WHERE project_id = 12');
    expect(rows[0].issues).toBe(1);
  });

  it('skips a batch whose offsets were applied, so a replay counts nothing twice', async () => {
    const hash = hex('e1');
    const batch = [errorRecord({ projectId: 13, fingerprint: hash }), errorRecord({ projectId: 13, fingerprint: hash })];
    const position = { consumer: ISSUES_CONSUMER, topic: 'errors', partition: 7, lastOffset: '41' };
    expect((await recorder.record(batch, position)).applied).toBe(true);
    expect(await recorder.record(batch, position)).toEqual({ applied: false, created: 0, updated: 0, regressed: 0, escalated: 0 });
    expect(await recorder.record(batch, { ...position, lastOffset: '40' })).toMatchObject({ applied: false });
    expect((await issueByHash(13, hash))?.times_seen).toBe('2');
    expect((await recorder.record(batch, { ...position, lastOffset: '42' })).applied).toBe(true);
    expect((await issueByHash(13, hash))?.times_seen).toBe('4');
  });

  it('regresses a plain resolve on any later event, with its activity', async () => {
    const hash = hex('f1');
    await record([errorRecord({ projectId: 14, fingerprint: hash })]);
    const issue = await issueByHash(14, hash);
    const resolvedAt = await resolve(issue?.id ?? '', 'resolved');
    const outcome = await record([errorRecord({ projectId: 14, fingerprint: hash, receivedAtMs: resolvedAt + 1, release: '2.0.0' })]);
    expect(outcome).toMatchObject({ updated: 1, regressed: 1 });
    expect(await issueByHash(14, hash)).toMatchObject({ status: 'unresolved', substatus: 'regressed' });
    expect(await activityKinds(issue?.id ?? '')).toEqual(['first_seen', 'set_regression']);
    const { rows } = await db.pool.query('SELECT resolved_at, resolution_kind, status_details FROM issues WHERE id = $1', [issue?.id]);
    expect(rows[0]).toEqual({ resolved_at: null, resolution_kind: null, status_details: {} });
  });

  it('keeps an in_release resolution for covered releases and regresses on a newer one', async () => {
    const hash = hex('f2');
    await record([errorRecord({ projectId: 15, fingerprint: hash, release: '1.0.0' })]);
    const issue = await issueByHash(15, hash);
    const resolvedAt = await resolve(issue?.id ?? '', 'in_release', '1.2.0');
    expect(await record([errorRecord({ projectId: 15, fingerprint: hash, release: '1.1.0', receivedAtMs: resolvedAt + 1 })])).toMatchObject({ regressed: 0 });
    expect((await issueByHash(15, hash))?.status).toBe('resolved');
    expect(await record([errorRecord({ projectId: 15, fingerprint: hash, release: '1.3.0', receivedAtMs: resolvedAt + 2 })])).toMatchObject({ regressed: 1 });
    expect((await issueByHash(15, hash))?.substatus).toBe('regressed');
  });

  it('keeps an in_next_release resolution for its release and regresses on the next (non-semver: first-seen order)', async () => {
    const hash = hex('f3');
    await record([errorRecord({ projectId: 16, fingerprint: hash, release: 'build-a', timestampMs: START })]);
    const issue = await issueByHash(16, hash);
    const resolvedAt = await resolve(issue?.id ?? '', 'in_next_release', 'build-a');
    expect(await record([errorRecord({ projectId: 16, fingerprint: hash, release: 'build-a', receivedAtMs: resolvedAt + 1 })])).toMatchObject({ regressed: 0 });
    const outcome = await record([errorRecord({ projectId: 16, fingerprint: hash, release: 'build-b', timestampMs: START + HOUR, receivedAtMs: resolvedAt + 2 })]);
    expect(outcome).toMatchObject({ regressed: 1 });
  });

  it('settles the race with a resolve by the receive time: an event received before it never regresses', async () => {
    const hash = hex('f4');
    await record([errorRecord({ projectId: 17, fingerprint: hash })]);
    const issue = await issueByHash(17, hash);
    const resolvedAt = await resolve(issue?.id ?? '', 'resolved');
    expect(await record([errorRecord({ projectId: 17, fingerprint: hash, receivedAtMs: resolvedAt - 1 })])).toMatchObject({ updated: 1, regressed: 0 });
    expect(await issueByHash(17, hash)).toMatchObject({ status: 'resolved', times_seen: '2' });
    expect(await record([errorRecord({ projectId: 17, fingerprint: hash, receivedAtMs: resolvedAt + 1 })])).toMatchObject({ regressed: 1 });
  });

  it('an event in flight while a resolve commits first waits for it and does not regress the issue', async () => {
    const hash = hex('f9');
    await record([errorRecord({ projectId: 21, fingerprint: hash })]);
    const issue = await issueByHash(21, hash);
    const api = await db.pool.connect();
    try {
      await api.query('BEGIN');
      const { rows } = await api.query<{ at_ms: number }>(
        `UPDATE issues SET status = 'resolved', substatus = NULL, status_changed_at = now(), resolved_at = now(), resolution_kind = 'resolved'
         WHERE id = $1 RETURNING (extract(epoch FROM resolved_at) * 1000)::float8 AS at_ms`,
        [issue?.id],
      );
      const inFlight = record([errorRecord({ projectId: 21, fingerprint: hash, receivedAtMs: rows[0].at_ms - 1 })]);
      await waitForLockWait(db.pool, 'the recorder waiting for the issue lock');
      await api.query('COMMIT');
      expect(await inFlight).toMatchObject({ updated: 1, regressed: 0 });
    } finally {
      api.release();
    }
    expect(await issueByHash(21, hash)).toMatchObject({ status: 'resolved', times_seen: '2' });
  });

  it('escalates an ignored issue once its event count is reached, counting only events after the ignore', async () => {
    const hash = hex('f5');
    await record([errorRecord({ projectId: 18, fingerprint: hash })]);
    const issue = await issueByHash(18, hash);
    const { rows } = await db.pool.query<{ at_ms: number }>(
      `UPDATE issues SET status = 'ignored', substatus = 'archived_until_condition_met', status_changed_at = now(), ignore_count = 3
       WHERE id = $1 RETURNING (extract(epoch FROM status_changed_at) * 1000)::float8 AS at_ms`,
      [issue?.id],
    );
    const ignoredAt = rows[0].at_ms;
    const before = errorRecord({ projectId: 18, fingerprint: hash, receivedAtMs: ignoredAt - 1 });
    const after = (n: number) => errorRecord({ projectId: 18, fingerprint: hash, receivedAtMs: ignoredAt + n, userId: `u${n}` });
    expect(await record([before, after(1), after(2)])).toMatchObject({ escalated: 0 });
    const counted = await db.pool.query('SELECT sum(events)::int AS events FROM issue_ignore_events WHERE issue_id = $1', [issue?.id]);
    expect(counted.rows[0].events).toBe(2);
    expect(await record([after(3)])).toMatchObject({ escalated: 1 });
    expect(await issueByHash(18, hash)).toMatchObject({ status: 'unresolved', substatus: 'escalating' });
    expect(await activityKinds(issue?.id ?? '')).toEqual(['first_seen', 'set_escalating']);
    const left = await db.pool.query('SELECT (SELECT count(*) FROM issue_ignore_events WHERE issue_id = $1)::int AS events, ignore_count FROM issues WHERE id = $1', [issue?.id]);
    expect(left.rows[0]).toEqual({ events: 0, ignore_count: null });
  });

  it('escalates on distinct users and when ignore_until has passed; archived_forever stays', async () => {
    const users = hex('f6');
    const until = hex('f7');
    const forever = hex('f8');
    await record([errorRecord({ projectId: 19, fingerprint: users }), errorRecord({ projectId: 19, fingerprint: until }), errorRecord({ projectId: 19, fingerprint: forever })]);
    const ids = await Promise.all([users, until, forever].map(async (hash) => (await issueByHash(19, hash))?.id));
    await db.pool.query(`UPDATE issues SET status = 'ignored', substatus = 'archived_until_condition_met', status_changed_at = now(), ignore_user_count = 2 WHERE id = $1`, [ids[0]]);
    await db.pool.query(`UPDATE issues SET status = 'ignored', substatus = 'archived_until_condition_met', status_changed_at = now(), ignore_until = now() + interval '1 hour' WHERE id = $1`, [ids[1]]);
    await db.pool.query(`UPDATE issues SET status = 'ignored', substatus = 'archived_forever', status_changed_at = now() WHERE id = $1`, [ids[2]]);
    const now = Date.now() + 1000;
    expect(await record([errorRecord({ projectId: 19, fingerprint: users, userId: 'ann', receivedAtMs: now }), errorRecord({ projectId: 19, fingerprint: users, userId: 'ann', receivedAtMs: now + 1 })])).toMatchObject({ escalated: 0 });
    expect(await record([errorRecord({ projectId: 19, fingerprint: users, userId: 'bob', receivedAtMs: now + 2 })])).toMatchObject({ escalated: 1 });
    expect(await record([errorRecord({ projectId: 19, fingerprint: until, receivedAtMs: now })])).toMatchObject({ escalated: 0 });
    expect(await record([errorRecord({ projectId: 19, fingerprint: until, receivedAtMs: now + 2 * HOUR })])).toMatchObject({ escalated: 1 });
    expect(await record([errorRecord({ projectId: 19, fingerprint: forever, receivedAtMs: now + 2 * HOUR })])).toMatchObject({ escalated: 0 });
    expect((await issueByHash(19, forever))?.substatus).toBe('archived_forever');
  });

  it('applies batches of two partitions touching the same issues concurrently, without deadlock and with exact counts', async () => {
    const hashes = [hex('g1'), hex('g2'), hex('g3')];
    const partitionRun = async (partition: number, reversed: boolean) => {
      const order = reversed ? [...hashes].reverse() : hashes;
      for (let batch = 0; batch < 15; batch++) {
        const records = order.flatMap((fingerprint) => [errorRecord({ projectId: 20, fingerprint, release: `1.0.${batch}` }), errorRecord({ projectId: 20, fingerprint })]);
        await recorder.record(records, { consumer: ISSUES_CONSUMER, topic: 'errors-concurrent', partition, lastOffset: String(batch) });
      }
    };
    await Promise.all([partitionRun(0, false), partitionRun(1, true)]);
    for (const hash of hashes) expect((await issueByHash(20, hash))?.times_seen).toBe('60');
    const { rows } = await db.pool.query('SELECT count(*)::int AS issues, max(short_number)::int AS last FROM issues WHERE project_id = 20');
    expect(rows[0]).toEqual({ issues: 3, last: 3 });
  });
});
