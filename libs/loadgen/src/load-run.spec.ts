import type { BuiltEnvelope } from './envelope';
import { noRecords } from './envelope';
import type { EnvelopeTransport } from './http-transport';
import { LoadRun } from './load-run';
import { LoadStats, SendOutcome } from './load-stats';
import { DEFAULT_MIX } from './mix';
import type { EnvelopeReport } from './options';
import { OpenLoopPacer } from './pacer';
import { parseTarget } from './targets';
import type { PlannedEnvelope } from './workload';

/** A transport that holds every send until the test answers it. */
class HeldTransport implements EnvelopeTransport {
  readonly held: Array<{ body: string; projectId: string; answer: (outcome: SendOutcome) => void }> = [];

  send(target: ReturnType<typeof parseTarget>, envelope: BuiltEnvelope): Promise<SendOutcome> {
    return new Promise((resolve) => this.held.push({ body: envelope.body, projectId: target.projectId, answer: resolve }));
  }

  answerAll(status = 200): void {
    for (const send of this.held.splice(0)) send.answer({ ok: true, status, latencyMs: 1, partial: false });
  }

  close(): void {}
}

/** Envelopes numbered 1, 2, 3…; `zeroEvents` lists the numbers that carry no event (late Web Vitals). */
function numberedSource(zeroEvents: number[] = []) {
  let n = 0;
  return {
    next(): PlannedEnvelope {
      const number = ++n;
      const events = zeroEvents.includes(number) ? 0 : 1;
      return {
        kind: events === 0 ? 'web-vitals' : 'server',
        events,
        projectIndex: number % 2,
        build: (nowMs): BuiltEnvelope => ({ body: `#${number}@${nowMs}`, client: 'node', sdkVersion: '11.12.0', userAgent: 'ua', traceIds: [`trace-${number}`], expected: { ...noRecords(), transactions: events } }),
      };
    },
  };
}

const TARGETS = [parseTarget('http://a@127.0.0.1:1/1'), parseTarget('http://b@127.0.0.1:1/2')];
const RUN = { seed: 1, targetEventsPerS: 100, concurrency: 2, projects: 2, mix: DEFAULT_MIX, durationS: 1 };

function setUp(concurrency: number, zeroEvents: number[] = [], onEnvelope?: (report: EnvelopeReport) => void) {
  const transport = new HeldTransport();
  const stats = new LoadStats(0);
  const run = new LoadRun({ source: numberedSource(zeroEvents), transport, targets: TARGETS, stats, concurrency, onEnvelope, epochNow: () => 1_700_000_000_000 });
  return { transport, stats, run, pacer: new OpenLoopPacer(100, 0, 1000) };
}

describe('LoadRun, open loop', () => {
  it('sends everything due by now, each with its lag behind the schedule', () => {
    const { transport, stats, run, pacer } = setUp(10);
    run.dispatchDue(pacer, 55);
    expect(transport.held.map((send) => send.body)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `#${n}@1700000000000`));
    expect(run.inFlight).toBe(6);
    expect(stats.summary(RUN, { elapsedS: 1, drainS: 0, stoppedEarly: false }).scheduleLagMs).toMatchObject({ count: 6, max: 55 });
  });

  it('counts what is due while every connection is busy as behind, and sends again once one is free', () => {
    const { transport, stats, run, pacer } = setUp(2);
    run.dispatchDue(pacer, 55);
    expect(transport.held).toHaveLength(2);
    transport.answerAll();
    return Promise.resolve().then(() => {
      run.dispatchDue(pacer, 75);
      const summary = stats.summary(RUN, { elapsedS: 1, drainS: 0, stoppedEarly: false });
      expect(summary.envelopes).toMatchObject({ sent: 4, accepted: 2, behind: 4 });
      expect(transport.held.map((send) => send.body.split('@')[0])).toEqual(['#7', '#8']);
    });
  });

  it('sends an envelope without events along with the next event, not in a slot of its own', () => {
    const { transport, run, pacer } = setUp(10, [2, 3]);
    run.dispatchDue(pacer, 10);
    // Due at 0: #1. Due at 10: #2 and #3 (no events), then #4 (the second event).
    expect(transport.held.map((send) => send.body.split('@')[0])).toEqual(['#1', '#2', '#3', '#4']);
    expect(pacer.nextDueMs()).toBe(20);
  });

  it('spreads envelopes over the projects as the source says and reports each send', async () => {
    const reports: EnvelopeReport[] = [];
    const { transport, run, pacer } = setUp(10, [], (report) => reports.push(report));
    run.dispatchDue(pacer, 15);
    expect(transport.held.map((send) => send.projectId)).toEqual(['2', '1']);
    transport.answerAll(429);
    await run.drain(1000);
    expect(reports).toEqual([
      { kind: 'server', events: 1, projectId: '2', sentAtMs: 1_700_000_000_000, traceIds: ['trace-1'], outcome: { ok: true, status: 429, latencyMs: 1, partial: false } },
      { kind: 'server', events: 1, projectId: '1', sentAtMs: 1_700_000_000_000, traceIds: ['trace-2'], outcome: { ok: true, status: 429, latencyMs: 1, partial: false } },
    ]);
  });

  it('keeps going when the report callback throws, and remembers the first error', async () => {
    const { transport, run, pacer } = setUp(10, [], () => {
      throw new Error('caller bug');
    });
    run.dispatchDue(pacer, 15);
    transport.answerAll();
    expect(await run.drain(1000)).toBe(true);
    expect(run.callbackFailure).toEqual(new Error('caller bug'));
  });
});

describe('LoadRun, closed loop and drain', () => {
  it('sends one envelope after the other per worker until told to stop', async () => {
    const { transport, stats, run } = setUp(1);
    let stop = false;
    const worker = run.worker(() => stop);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(transport.held).toHaveLength(1);
      if (i === 2) stop = true;
      transport.answerAll();
    }
    await worker;
    expect(stats.summary(RUN, { elapsedS: 1, drainS: 0, stoppedEarly: false }).envelopes).toMatchObject({ sent: 3, accepted: 3 });
  });

  it('drains: false while sends are still open after the timeout, true once all are answered', async () => {
    const { transport, run, pacer } = setUp(10);
    run.dispatchDue(pacer, 0);
    expect(await run.drain(20)).toBe(false);
    transport.answerAll();
    expect(await run.drain(1000)).toBe(true);
    expect(run.inFlight).toBe(0);
  });
});
