import { startWebhookReceiver, WebhookReceiver } from '@pulse/notifiers/testing';
import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { DeliveryOutcome, DeliveryWorker, DeliveryWorkerOptions } from './delivery-worker';
import { enqueueIssueAlert, enqueueMetricAlert, outboxRow, SeededRule, seedRule } from './testing/outbox-seed';

// One worker against a real receiver (an HTTP server on 127.0.0.1 checking the webhook format).
// Time is passed in (`nowMs`), so back-off and leases are checked without waiting for them;
// `random` fixes the jitter at its middle, so each delay is exactly baseMs · 2^(n − 1).
describe('DeliveryWorker', () => {
  let db: FreshDatabase;
  let rule: SeededRule;
  let receiver: WebhookReceiver;
  let outcomes: DeliveryOutcome[];
  // Later than the rows' created_at/next_attempt_at (the database's now()), so they are due.
  let T: number;

  const workerWith = (options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker =>
    new DeliveryWorker(db.pool, { instanceId: 'c18-worker', random: () => 0.5, onOutcome: (outcome) => outcomes.push(outcome), ...options });
  const webhook = () => ({ type: 'webhook' as const, url: `${receiver.url}/hooks/pulse` });
  const receivedKeys = (): string[] => receiver.received.map((request) => request.idempotencyKey ?? '');

  beforeAll(async () => {
    db = await freshDatabase('c18_delivery');
    rule = await seedRule(db.pool, 'Slow checkout');
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.pool.query('DELETE FROM alert_deliveries');
    receiver = await startWebhookReceiver();
    outcomes = [];
    T = Date.now() + 60_000;
  });
  afterEach(() => receiver.stop());

  it('delivers a notification once, records it, and never sends a delivered row again', async () => {
    const { keys } = await enqueueMetricAlert(db.pool, { rule, actions: [webhook()] });
    const worker = workerWith();
    expect(await worker.runOnce(T)).toBe(1);
    expect(receivedKeys()).toEqual(keys);
    expect(receiver.invalid).toEqual([]);
    expect(await outboxRow(db.pool, keys[0])).toMatchObject({ state: 'delivered', attempts: 1, deliveredAtMs: T, lastStatusCode: 200, lockedBy: null, lockedUntilMs: null });
    expect(outcomes).toEqual([{ destination: 'webhook', outcome: 'delivered', attempts: 1, latencyMs: expect.any(Number) }]);

    expect(await worker.runOnce(T + 86_400_000)).toBe(0);
    expect(receiver.attempts()).toBe(1);
  });

  it('backs off while the receiver answers 503, then delivers each notification exactly once', async () => {
    const seeded = await Promise.all([1, 2, 3].map(() => enqueueMetricAlert(db.pool, { rule, actions: [webhook()] })));
    const keys = seeded.map((row) => row.keys[0]);
    const worker = workerWith();
    receiver.setDown(503);

    expect(await worker.runOnce(T)).toBe(3);
    for (const key of keys) {
      expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAtMs: T + 1_000, lastStatusCode: 503, lockedBy: null });
      expect((await outboxRow(db.pool, key)).lastError).toContain('503');
    }
    expect(await worker.runOnce(T + 999)).toBe(0);
    expect(await worker.runOnce(T + 1_000)).toBe(3);
    for (const key of keys) expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAtMs: T + 1_000 + 2_000 });

    receiver.setUp();
    expect(await worker.runOnce(T + 2_999)).toBe(0);
    expect(await worker.runOnce(T + 3_000)).toBe(3);
    expect(receivedKeys().sort()).toEqual([...keys].sort());
    expect(receiver.attempts()).toBe(9);
    for (const key of keys) expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'delivered', attempts: 3, deliveredAtMs: T + 3_000 });
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual([...Array(6).fill('retry'), ...Array(3).fill('delivered')]);
    expect(await worker.runOnce(T + 86_400_000)).toBe(0);
    expect(receiver.attempts()).toBe(9);
  });

  it('fails at once on a 400, and after maxAttempts on failures worth retrying', async () => {
    const rejected = await enqueueMetricAlert(db.pool, { rule, actions: [webhook()] });
    receiver.setDown(400);
    expect(await workerWith().runOnce(T)).toBe(1);
    expect(await outboxRow(db.pool, rejected.keys[0])).toMatchObject({ state: 'failed', attempts: 1, lastStatusCode: 400, lockedBy: null });
    expect(outcomes).toMatchObject([{ outcome: 'failed', attempts: 1 }]);

    const exhausted = await enqueueMetricAlert(db.pool, { rule, actions: [webhook()] });
    receiver.setDown(500);
    const worker = workerWith({ maxAttempts: 2 });
    expect(await worker.runOnce(T)).toBe(1);
    expect(await worker.runOnce(T + 1_000)).toBe(1);
    const row = await outboxRow(db.pool, exhausted.keys[0]);
    expect(row).toMatchObject({ state: 'failed', attempts: 2, lastStatusCode: 500 });
    expect(row.lastError).toContain('gave up after 2 attempts');
    expect(await worker.runOnce(T + 86_400_000)).toBe(0);
    expect(receiver.attempts()).toBe(3);
  });

  it('retries a request that timed out', async () => {
    const { keys } = await enqueueMetricAlert(db.pool, { rule, actions: [webhook()] });
    const worker = workerWith({ timeoutMs: 300, leaseMs: 5_000 });
    receiver.setDown('hang');
    expect(await worker.runOnce(T)).toBe(1);
    const row = await outboxRow(db.pool, keys[0]);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAtMs: T + 1_000, lastStatusCode: null, lockedBy: null });
    expect(row.lastError).toMatch(/timed out/);

    receiver.setUp();
    expect(await worker.runOnce(T + 1_000)).toBe(1);
    expect(receivedKeys()).toEqual(keys);
    expect(await outboxRow(db.pool, keys[0])).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('waits as long as Retry-After says, instead of its own back-off', async () => {
    const { keys } = await enqueueMetricAlert(db.pool, { rule, actions: [webhook()] });
    const worker = workerWith();
    receiver.setDown(429, { retryAfterSeconds: 7 });
    expect(await worker.runOnce(T)).toBe(1);
    expect(await outboxRow(db.pool, keys[0])).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAtMs: T + 7_000, lastStatusCode: 429 });
    receiver.setUp();
    expect(await worker.runOnce(T + 6_999)).toBe(0);
    expect(await worker.runOnce(T + 7_000)).toBe(1);
    expect(receivedKeys()).toEqual(keys);
  });

  it('sends the notifications of one incident to one receiver in order, without holding back other receivers', async () => {
    const other = await startWebhookReceiver();
    try {
      const actions = [webhook(), { type: 'webhook' as const, url: `${other.url}/hooks/other` }];
      const triggered = await enqueueMetricAlert(db.pool, { rule, actions });
      const resolved = await enqueueMetricAlert(db.pool, { rule, actions, incidentId: triggered.incidentId, notification: { action: 'resolved', status: 'resolved', previousStatus: 'critical' } });
      const worker = workerWith();
      receiver.setDown(503);

      // Only the older notification is claimed: for `receiver` it fails, for `other` it is delivered.
      expect(await worker.runOnce(T)).toBe(2);
      expect(await outboxRow(db.pool, triggered.keys[0])).toMatchObject({ state: 'pending', attempts: 1 });
      expect(await outboxRow(db.pool, resolved.keys[0])).toMatchObject({ state: 'pending', attempts: 0 });
      // `other` is not held back by `receiver`'s outage: the resolve goes out to it now.
      expect(await worker.runOnce(T)).toBe(1);
      expect(other.received.map((request) => request.idempotencyKey)).toEqual([triggered.keys[1], resolved.keys[1]]);
      // `receiver`'s resolve waits for its trigger, even though it is due.
      expect(await worker.runOnce(T + 500)).toBe(0);

      receiver.setUp();
      expect(await worker.runOnce(T + 1_000)).toBe(1);
      expect(await worker.runOnce(T + 1_000)).toBe(1);
      expect(receivedKeys()).toEqual([triggered.keys[0], resolved.keys[0]]);
      expect(receiver.bodies('metric_alert').map((body) => body.action)).toEqual(['triggered', 'resolved']);
    } finally {
      await other.stop();
    }
  });

  it('keeps issue alerts of one rule and issue in order across their incidents; a failed one does not block the next', async () => {
    const first = await enqueueIssueAlert(db.pool, { rule, issueId: 42, trigger: 'new_issue', actions: [webhook()] });
    const second = await enqueueIssueAlert(db.pool, { rule, issueId: 42, trigger: 'regression', actions: [webhook()] });
    const otherIssue = await enqueueIssueAlert(db.pool, { rule, issueId: 43, trigger: 'new_issue', actions: [webhook()] });
    const worker = workerWith();
    receiver.setDown(400);
    expect(await worker.runOnce(T)).toBe(2);
    expect(await outboxRow(db.pool, first.keys[0])).toMatchObject({ state: 'failed' });
    expect(await outboxRow(db.pool, otherIssue.keys[0])).toMatchObject({ state: 'failed' });
    expect(await outboxRow(db.pool, second.keys[0])).toMatchObject({ state: 'pending', attempts: 0 });

    // A failed notification does not block the next one for good.
    receiver.setUp();
    expect(await worker.runOnce(T)).toBe(1);
    expect(receivedKeys()).toEqual(second.keys);
  });

  it('refuses options that would break its guarantees', () => {
    expect(() => workerWith({ timeoutMs: 10_000, leaseMs: 10_000 })).toThrow(/leaseMs/);
    expect(() => workerWith({ instanceId: ' ' })).toThrow(/instanceId/);
    expect(() => workerWith({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => workerWith({ backoff: { factor: 0 } })).toThrow(/factor/);
  });
});
