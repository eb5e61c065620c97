import { Admission, TokenAdmission } from './token-admission';

const limits = { maxRunning: 2, maxQueued: 1, maxWaitMs: 1000 };

/** Settles what is already resolved, without advancing the fake clock. */
const settle = () => new Promise((done) => jest.requireActual<typeof import('timers')>('timers').setImmediate(done));

function granted(admission: Admission): () => void {
  if (!admission.ok) throw new Error(`refused: ${admission.reason}`);
  return admission.release;
}

describe('TokenAdmission', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs maxRunning reads of a token, queues maxQueued more, and refuses the rest at once', async () => {
    const admission = new TokenAdmission(limits);
    const first = granted(await admission.admit('a'));
    granted(await admission.admit('a'));
    let third: Admission | undefined;
    void admission.admit('a').then((result) => (third = result));
    expect(await admission.admit('a')).toEqual({ ok: false, reason: 'token_busy' });
    expect([admission.running, admission.queued]).toEqual([2, 1]);

    await settle();
    expect(third).toBeUndefined();
    first();
    await settle();
    expect(third?.ok).toBe(true);
    expect([admission.running, admission.queued]).toEqual([2, 0]);
  });

  it('keeps tokens apart: a busy token does not hold another one back', async () => {
    const admission = new TokenAdmission(limits);
    granted(await admission.admit('heavy'));
    granted(await admission.admit('heavy'));
    void admission.admit('heavy');
    expect(await admission.admit('heavy')).toMatchObject({ ok: false });
    expect((await admission.admit('light')).ok).toBe(true);
  });

  it('refuses a waiter whose wait ran out, and takes it off the queue', async () => {
    const admission = new TokenAdmission(limits);
    const releases = [granted(await admission.admit('a')), granted(await admission.admit('a'))];
    const waiting = admission.admit('a');
    jest.advanceTimersByTime(limits.maxWaitMs);
    expect(await waiting).toEqual({ ok: false, reason: 'token_queue_timeout' });
    expect(admission.queued).toBe(0);
    // The freed queue place is usable again, and a release with nobody waiting frees a slot.
    for (const release of releases) release();
    expect(admission.running).toBe(0);
    expect((await admission.admit('a')).ok).toBe(true);
  });

  it('counts a release once however often it is called', async () => {
    const admission = new TokenAdmission(limits);
    const release = granted(await admission.admit('a'));
    granted(await admission.admit('a'));
    release();
    release();
    expect(admission.running).toBe(1);
  });

  it('with no queue refuses every read past the running ones', async () => {
    const admission = new TokenAdmission({ ...limits, maxQueued: 0 });
    granted(await admission.admit('a'));
    granted(await admission.admit('a'));
    expect(await admission.admit('a')).toEqual({ ok: false, reason: 'token_busy' });
  });
});
