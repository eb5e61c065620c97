import { percentileOfSorted, round } from '../stats';
import { AnswerTally, keepAliveAgent, LatencyFigures, PreparedRequest, requestCycle, send } from './request-loop';

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

/** The latency figures run from each request's scheduled start to its answer's end (2xx): a server that falls behind shows its queue there. */
export interface OpenLoopResult extends LatencyFigures {
  seconds: number;
  /** The schedule's rate. */
  targetEnvelopesPerSecond: number;
  /** 2xx answers to the requests scheduled in the window, per second of window. */
  envelopesPerSecond: number;
  eventsPerSecond: number;
  statuses: Record<string, number>;
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
  const { envelopesPerSecond } = options;
  const nextRequest = requestCycle(options.requests, options.startIndex);
  if (!(envelopesPerSecond > 0)) throw new Error(`the open-loop rate must be positive, got ${envelopesPerSecond}`);
  const agent = keepAliveAgent(options.maxSockets ?? 512);
  const intervalMs = 1000 / envelopesPerSecond;
  const started = performance.now();
  const measureStart = started + options.warmupMs;
  const measureEnd = measureStart + options.durationMs;
  const tally = new AnswerTally();
  const lags: number[] = [];
  let sent = 0;
  const inFlight = new Set<Promise<void>>();

  const start = (scheduledAt: number): void => {
    const prepared = nextRequest();
    const counted = scheduledAt >= measureStart;
    if (counted) lags.push(performance.now() - scheduledAt);
    const done = send(agent, options.port, prepared).then(
      (status) => String(status),
      () => 'error',
    ).then((status) => {
      inFlight.delete(done);
      const endedAt = performance.now();
      if (counted) tally.record(status, prepared, endedAt - scheduledAt);
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
  const sortedLags = Float64Array.from(lags).sort();
  return {
    seconds,
    targetEnvelopesPerSecond: round(envelopesPerSecond, 1),
    ...tally.rates(seconds),
    statuses: tally.statuses,
    ...tally.latency(),
    unansweredAtEnd: unanswered,
    clientLagP99Ms: round(percentileOfSorted(sortedLags, 99), 2),
  };
}
