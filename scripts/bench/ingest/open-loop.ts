import { Agent } from 'node:http';
import { percentileOfSorted, round } from '../stats';
import { PreparedRequest, send } from './closed-loop';

export interface OpenLoopOptions {
  port: number;
  /** Requests (envelopes) started per second, on a fixed schedule whatever the answers do. */
  envelopesPerSecond: number;
  warmupMs: number;
  durationMs: number;
  requests: readonly PreparedRequest[];
  startIndex?: number;
  /** Sockets the client may open; a request finding all busy waits, and the wait counts in its latency. */
  maxSockets?: number;
  /** How long after the window answers are still awaited (30 s); later ones count as unanswered. */
  graceMs?: number;
}

export interface OpenLoopResult {
  seconds: number;
  /** The schedule's rate. */
  targetEnvelopesPerSecond: number;
  /** 2xx answers to the requests scheduled in the window, per second of window. */
  envelopesPerSecond: number;
  eventsPerSecond: number;
  statuses: Record<string, number>;
  /** Latency from each request's scheduled start to its answer's end (2xx), ms: a server that falls behind shows its queue here. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests scheduled in the window and still unanswered `graceMs` after it closed (left out of the percentiles: read them as worse than max). */
  unansweredAtEnd: number;
  /** How late the client itself started requests, p99, ms: above a few ms the client, not the server, limits the test. */
  clientLagP99Ms: number;
}

/**
 * An open-loop load: requests start on a fixed schedule (`envelopesPerSecond`) whether or not
 * earlier ones were answered, as independent SDK clients send; latency runs from the scheduled
 * start, so a server that falls behind cannot slow the load down and hide its queue (no
 * coordinated omission). Requests scheduled in the warm-up are sent but not counted; those
 * scheduled in the window count with their whole latency, even when answered after it.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { requests, envelopesPerSecond } = options;
  if (requests.length === 0) throw new Error('no requests to send');
  if (!(envelopesPerSecond > 0)) throw new Error(`the open-loop rate must be positive, got ${envelopesPerSecond}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 512, maxFreeSockets: options.maxSockets ?? 512 });
  const intervalMs = 1000 / envelopesPerSecond;
  const started = performance.now();
  const measureStart = started + options.warmupMs;
  const measureEnd = measureStart + options.durationMs;
  const latencies: number[] = [];
  const lags: number[] = [];
  const statuses: Record<string, number> = {};
  let envelopes = 0;
  let events = 0;
  let next = options.startIndex ?? 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();

  const start = (scheduledAt: number): void => {
    const prepared = requests[next];
    next = (next + 1) % requests.length;
    const counted = scheduledAt >= measureStart;
    if (counted) lags.push(performance.now() - scheduledAt);
    const done = send(agent, options.port, prepared).then(
      (status) => String(status),
      () => 'error',
    ).then((status) => {
      inFlight.delete(done);
      const endedAt = performance.now();
      if (!counted) return;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status.startsWith('2')) {
        envelopes++;
        events += prepared.events;
        latencies.push(endedAt - scheduledAt);
      }
    });
    inFlight.add(done);
  };

  // Every millisecond or so, start all requests whose time has come.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent * intervalMs + started <= Math.min(now, measureEnd)) start(started + sent++ * intervalMs);
      if (now >= measureEnd) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Requests scheduled in the window count however late they are answered; wait a bounded time for them.
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => (grace = setTimeout(resolve, options.graceMs ?? 30_000)))]);
  clearTimeout(grace);
  const unanswered = inFlight.size;
  agent.destroy();
  const seconds = options.durationMs / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const sortedLags = Float64Array.from(lags).sort();
  return {
    seconds,
    targetEnvelopesPerSecond: round(envelopesPerSecond, 1),
    envelopesPerSecond: round(envelopes / seconds, 1),
    eventsPerSecond: round(events / seconds, 1),
    statuses,
    p50Ms: round(percentileOfSorted(sorted, 50), 2),
    p90Ms: round(percentileOfSorted(sorted, 90), 2),
    p99Ms: round(percentileOfSorted(sorted, 99), 2),
    maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1] : NaN, 2),
    unansweredAtEnd: unanswered,
    clientLagP99Ms: round(percentileOfSorted(sortedLags, 99), 2),
  };
}
