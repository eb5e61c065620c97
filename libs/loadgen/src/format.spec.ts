import { noRecords } from './envelope';
import { formatProgress, formatSummary } from './format';
import { LoadStats } from './load-stats';
import { DEFAULT_MIX } from './mix';

describe('formatting', () => {
  it('writes one progress line with counts, rates and latency', () => {
    const line = formatProgress({ elapsedS: 3, sent: 1503, eventsSent: 1450, accepted: 1500, rejected: 2, networkErrors: 1, behind: 4, inFlight: 7, envelopesPerS: 516.3, eventsPerS: 500, p50Ms: 3.14, p99Ms: 9.87 });
    expect(line).toBe('loadgen    3.0s  sent 1503  (516.3 env/s, 500.0 ev/s)  accepted 1500  rejected 2  net-err 1  behind 4  in-flight 7  p50 3.1 ms  p99 9.9 ms');
    expect(line).not.toContain('\n');
  });

  it('writes the summary with every figure the issue asks for', () => {
    const stats = new LoadStats(0);
    stats.recordSent('server', 1, 0.5);
    stats.recordOutcome('server', 1, { ...noRecords(), transactions: 1, spans: 3 }, { ok: true, status: 200, latencyMs: 12, partial: false });
    stats.recordSent('error', 1, 0.5);
    stats.recordOutcome('error', 1, noRecords(), { ok: true, status: 429, latencyMs: 2, partial: false });
    stats.recordBehind('pageload', 1);
    const text = formatSummary(stats.summary({ seed: 42, targetEventsPerS: 500, concurrency: 32, projects: 1, mix: DEFAULT_MIX, durationS: 10 }, { elapsedS: 10, drainS: 0.02, stoppedEarly: false, cpuS: 1 }));
    for (const expected of [
      'open loop at 500 events/s, concurrency 32, 1 project, seed 42',
      'envelopes     planned 3  sent 2  accepted 1  rejected 1  network errors 0  behind 1',
      'events        planned 3  sent 2  accepted 1  behind 1',
      'HTTP status   200: 1  429: 1',
      'rate          0.2 envelopes/s  0.2 events/s  (accepted 0.1 events/s)',
      'latency       p50 2.0 ms  p95 12.0 ms  p99 12.0 ms  max 12.0 ms  (n=2)',
      'client CPU    1.00 s (10% of one core)',
      'accepted/sent pageload 0/0 (+1 behind)  server 1/1  error 0/1',
      'records       transactions 1  spans 3  web vitals 0  errors 0  sessions 0',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('names the reuse in the summary when content was reused, as replaying the run needs it', () => {
    const summary = new LoadStats(0).summary({ seed: 7, reuse: 16, targetEventsPerS: 100, concurrency: 4, projects: 2, mix: DEFAULT_MIX, durationS: 1 }, { elapsedS: 1, drainS: 0, stoppedEarly: false });
    expect(summary.reuse).toBe(16);
    expect(formatSummary(summary)).toContain('2 projects, seed 7, reuse 16');
  });
});
