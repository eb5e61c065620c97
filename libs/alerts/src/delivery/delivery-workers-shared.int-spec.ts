import { waitUntil } from '@pulse/local-infra';
import { startWebhookReceiver, WebhookReceiver } from '@pulse/notifiers/testing';
import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { DeliveryOutcome, DeliveryWorker, DeliveryWorkerOptions } from './delivery-worker';
import { enqueueMetricAlert, outboxRow, SeededRule, seedRule } from './testing/outbox-seed';

// Several workers on one outbox table, as several alerts instances run them: no row is sent by
// two of them at once, and a worker that dies (or is abandoned) mid-request leaves its row to be
// sent again after its lease, with the same Idempotency-Key, while a delivered row stays delivered.
describe('DeliveryWorker instances sharing the outbox', () => {
  let db: FreshDatabase;
  let rule: SeededRule;
  let receiver: WebhookReceiver;
  let receiverRunning = false;
  const outcomes = new Map<string, DeliveryOutcome[]>();

  const workerNamed = (instanceId: string, options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker => {
    outcomes.set(instanceId, []);
    return new DeliveryWorker(db.pool, { instanceId, random: () => 0.5, onOutcome: (outcome) => outcomes.get(instanceId)?.push(outcome), ...options });
  };
  const webhook = () => ({ type: 'webhook' as const, url: `${receiver.url}/hooks/pulse` });
  const receivedKeys = (): string[] => receiver.received.map((request) => request.idempotencyKey ?? '');
  const enqueueMany = async (count: number): Promise<string[]> =>
    (await Promise.all(Array.from({ length: count }, () => enqueueMetricAlert(db.pool, { rule, actions: [webhook()] })))).map((seeded) => seeded.keys[0]).sort((a, b) => a.localeCompare(b));

  beforeAll(async () => {
    db = await freshDatabase('c18_shared');
    rule = await seedRule(db.pool, 'Error rate');
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.pool.query('DELETE FROM alert_deliveries');
    receiver = await startWebhookReceiver();
    receiverRunning = true;
    outcomes.clear();
  });
  // Stopping the receiver also ends a request it left hanging (its connection is destroyed).
  const stopReceiver = async (): Promise<void> => {
    if (receiverRunning) await receiver.stop();
    receiverRunning = false;
  };
  afterEach(stopReceiver);

  it('two running workers deliver every row exactly once between them', async () => {
    const keys = await enqueueMany(120);
    const workers = [workerNamed('c18-a', { batchSize: 10, concurrency: 4, pollMs: 20 }), workerNamed('c18-b', { batchSize: 10, concurrency: 4, pollMs: 20 })];
    workers.forEach((worker) => worker.start());
    try {
      await waitUntil(
        'all 120 rows delivered',
        async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_deliveries WHERE state = 'delivered'`)).rows[0].n === 120,
        { timeoutMs: 30_000, intervalMs: 50 },
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(receiver.attempts()).toBe(120);
    expect(receivedKeys().sort((a, b) => a.localeCompare(b))).toEqual(keys);
    const attempts = await db.pool.query<{ attempts: number; n: number }>(`SELECT attempts, count(*)::int AS n FROM alert_deliveries GROUP BY attempts`);
    expect(attempts.rows).toEqual([{ attempts: 1, n: 120 }]);
    const recorded = [...outcomes.values()].flat();
    expect(recorded).toHaveLength(120);
    expect(recorded.every((outcome) => outcome.outcome === 'delivered' && outcome.attempts === 1)).toBe(true);
  });

  it('restart mid-delivery: a second worker sends the row again after the first one’s lease, and only then', async () => {
    const [key] = await enqueueMany(1);
    const first = workerNamed('c18-a', { timeoutMs: 10_000, leaseMs: 30_000 });
    const second = workerNamed('c18-b', { timeoutMs: 10_000, leaseMs: 30_000 });
    const T = Date.now() + 60_000;
    receiver.setDown('hang');

    // The first worker's request reaches the receiver and gets no answer: as if the worker died
    // after sending (the receiver may well have acted on it) and before recording anything.
    const abandoned = first.runOnce(T);
    await waitUntil('the first request reached the receiver', async () => receiver.attempts() === 1, { timeoutMs: 5_000, intervalMs: 10 });
    expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'pending', lockedBy: 'c18-a', lockedUntilMs: T + 30_000, attempts: 0 });

    receiver.setUp();
    expect(await second.runOnce(T + 29_999)).toBe(0);
    expect(await second.runOnce(T + 30_000)).toBe(1);
    expect(receiver.attempts()).toBe(2);
    expect(receivedKeys()).toEqual([key]);
    expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'delivered', attempts: 1, lastStatusCode: 200, lockedBy: null, deliveredAtMs: T + 30_000 });

    // The first worker's request ends (its connection drops); what it records finds the row no
    // longer its own and changes nothing: the row stays delivered and is never sent again.
    const attemptsSeen = receiver.attempts();
    await stopReceiver();
    expect(await abandoned).toBe(1);
    expect(outcomes.get('c18-a')).toEqual([]);
    expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'delivered', attempts: 1, lastError: null, lockedBy: null });
    expect(await first.runOnce(T + 86_400_000)).toBe(0);
    expect(await second.runOnce(T + 86_400_000)).toBe(0);
    expect(attemptsSeen).toBe(2);
  });

  it('a stopped worker gives back its unsent claims at once; the row in flight is taken over after its lease', async () => {
    const keys = await enqueueMany(3);
    const rows = await Promise.all(keys.map((key) => outboxRow(db.pool, key)));
    const [inFlight, ...unsent] = rows.map((row, index) => ({ id: row.id, key: keys[index] })).sort((a, b) => a.id - b.id);
    const first = workerNamed('c18-a', { concurrency: 1, timeoutMs: 10_000, leaseMs: 30_000, pollMs: 20 });
    const second = workerNamed('c18-b', { timeoutMs: 10_000, leaseMs: 30_000 });
    receiver.setDown('hang');

    first.start();
    await waitUntil('the first request reached the receiver', async () => receiver.attempts() === 1, { timeoutMs: 5_000, intervalMs: 10 });
    // Abandoned: stop without waiting for the request in flight.
    await first.stop({ waitMs: 0 });
    expect(await outboxRow(db.pool, inFlight.key)).toMatchObject({ state: 'pending', lockedBy: 'c18-a' });
    for (const row of unsent) expect(await outboxRow(db.pool, row.key)).toMatchObject({ state: 'pending', lockedBy: null, lockedUntilMs: null, attempts: 0 });

    receiver.setUp();
    const now = Date.now();
    expect(await second.runOnce(now)).toBe(2);
    expect(receivedKeys().sort((a, b) => a.localeCompare(b))).toEqual(unsent.map((row) => row.key).sort((a, b) => a.localeCompare(b)));
    expect(await second.runOnce(now + 30_001)).toBe(1);
    expect(receivedKeys()).toContain(inFlight.key);

    expect(receiver.attempts()).toBe(4);
    expect(receiver.distinctKeys().size).toBe(3);

    // Waiting this time: the abandoned request ends with its connection, and its record changes nothing.
    await stopReceiver();
    await first.stop();
    expect(outcomes.get('c18-a')).toEqual([]);
    for (const key of keys) expect(await outboxRow(db.pool, key)).toMatchObject({ state: 'delivered', attempts: 1 });
  });
});
