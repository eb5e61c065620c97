import { noRecords } from './envelope';
import { LoadStats } from './load-stats';
import { DEFAULT_MIX } from './mix';

const RUN = { seed: 1, targetEventsPerS: 100, concurrency: 4, projects: 1, mix: DEFAULT_MIX, durationS: 10 };
const records = { ...noRecords(), transactions: 1, spans: 4 };

describe('LoadStats', () => {
  it('counts accepted (2xx), rejected (other statuses), network errors, behind and partial stores apart', () => {
    const stats = new LoadStats(0);
    for (const outcome of [
      { ok: true as const, status: 200, latencyMs: 10, partial: false },
      { ok: true as const, status: 200, latencyMs: 20, partial: true },
      { ok: true as const, status: 429, latencyMs: 1, partial: false },
      { ok: true as const, status: 503, latencyMs: 2, partial: false },
      { ok: false as const, errorCode: 'ECONNRESET', latencyMs: 3 },
    ]) {
      stats.recordSent('server', 1);
      stats.recordOutcome('server', 1, records, outcome);
    }
    stats.recordSent('web-vitals', 0);
    stats.recordOutcome('web-vitals', 0, { ...noRecords(), webVitals: 3 }, { ok: true, status: 200, latencyMs: 5, partial: false });
    stats.recordBehind('pageload', 1);
    stats.recordBehind('web-vitals', 0);

    const summary = stats.summary(RUN, { elapsedS: 2, drainS: 0.5, stoppedEarly: false, cpuS: 0.5 });
    expect(summary.envelopes).toEqual({ planned: 8, sent: 6, accepted: 3, rejected: 2, networkErrors: 1, behind: 2, partial: 1 });
    expect(summary.events).toEqual({ planned: 6, sent: 5, accepted: 2, behind: 1 });
    expect(summary.statuses).toEqual({ 200: 3, 429: 1, 503: 1 });
    expect(summary.networkErrors).toEqual({ ECONNRESET: 1 });
    expect(summary.rate).toEqual({ envelopesPerS: 3, eventsPerS: 2.5, acceptedEventsPerS: 1 });
    expect(summary.records).toEqual({ transactions: 2, spans: 8, webVitals: 3, errors: 0, sessions: 0, clientReports: 0 });
    expect(summary.byKind.server).toEqual({ sent: 5, accepted: 2, behind: 0 });
    expect(summary.byKind['web-vitals']).toEqual({ sent: 1, accepted: 1, behind: 1 });
    expect(summary.latencyMs).toMatchObject({ count: 6, max: 20 });
    expect(summary.mode).toBe('open-loop');
    expect(summary.clientCpu).toEqual({ seconds: 0.5, shareOfOneCore: 0.2 });
  });

  it('reports progress as counts since the start and rates and latency over the last interval', () => {
    const stats = new LoadStats(1000);
    for (let i = 0; i < 50; i++) {
      stats.recordSent('error', 1);
      stats.recordOutcome('error', 1, noRecords(), { ok: true, status: 200, latencyMs: 100, partial: false });
    }
    expect(stats.progress(2000, 3)).toEqual({ elapsedS: 1, sent: 50, eventsSent: 50, accepted: 50, rejected: 0, networkErrors: 0, behind: 0, inFlight: 3, envelopesPerS: 50, eventsPerS: 50, p50Ms: 100, p99Ms: 100 });
    for (let i = 0; i < 10; i++) {
      stats.recordSent('error', 1);
      stats.recordOutcome('error', 1, noRecords(), { ok: true, status: 200, latencyMs: 5, partial: false });
    }
    expect(stats.progress(4000, 0)).toMatchObject({ elapsedS: 3, sent: 60, envelopesPerS: 5, eventsPerS: 5, p50Ms: 5 });
    expect(stats.progress(5000, 0)).toMatchObject({ envelopesPerS: 0, p50Ms: 0 });
  });

  it('has no schedule lag in closed loop, and records it in open loop', () => {
    const stats = new LoadStats(0);
    stats.recordSent('server', 1, 4);
    expect(stats.summary(RUN, { elapsedS: 1, drainS: 0, stoppedEarly: false }).scheduleLagMs).toMatchObject({ count: 1, max: 4 });
    const closed = stats.summary({ ...RUN, targetEventsPerS: null }, { elapsedS: 1, drainS: 0, stoppedEarly: true });
    expect(closed).toMatchObject({ mode: 'closed-loop', scheduleLagMs: null, stoppedEarly: true });
  });
});
