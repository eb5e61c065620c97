import { round } from '../stats';
import { AnswerTally, keepAliveAgent, LatencyFigures, PreparedRequest, requestCycle, send } from './request-loop';

export interface ClosedLoopOptions {
  port: number;
  /** Concurrent keep-alive connections, each with one request outstanding at a time. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  requests: readonly PreparedRequest[];
  /** Where in `requests` to start (so alternating phases do not always send the same first bodies). */
  startIndex?: number;
  /** Called when the measured window opens and closes (server CPU and RSS, profiler). */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

/** The latency figures: client-side, of the 2xx answers in the window (request start → response end). */
export interface ClosedLoopResult extends LatencyFigures {
  /** Length of the measured window, s. */
  seconds: number;
  connections: number;
  /** 2xx answers completed inside the measured window. */
  envelopes: number;
  events: number;
  envelopesPerSecond: number;
  eventsPerSecond: number;
  /** Every answer completed inside the window, by status (network errors as "error"). */
  statuses: Record<string, number>;
  /** CPU the benchmark process itself used in the window, in cores (the client's cost). */
  clientCores: number;
  /** Request bytes sent in the window (2xx only). */
  bodyBytes: number;
}

/**
 * A closed-loop HTTP load on 127.0.0.1: `connections` workers, each sending the next prepared
 * request as soon as its previous answer is read, over its own keep-alive socket. A warm-up runs
 * first; only answers completed inside the measured window count.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { connections } = options;
  const nextRequest = requestCycle(options.requests, options.startIndex);
  const agent = keepAliveAgent(connections);
  const started = performance.now();
  const measureStart = started + options.warmupMs;
  const measureEnd = measureStart + options.durationMs;
  let measuring = false;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  const tally = new AnswerTally();

  // The window is opened and closed by timers, so the hooks run on time even if answers stall.
  const openTimer = setTimeout(() => {
    measuring = true;
    cpuAtStart = process.cpuUsage();
    options.onMeasureStart?.();
  }, options.warmupMs);
  const closeTimer = setTimeout(() => {
    measuring = false;
    cpuUsed = process.cpuUsage(cpuAtStart);
    options.onMeasureEnd?.();
  }, options.warmupMs + options.durationMs);

  const worker = async (): Promise<void> => {
    while (performance.now() < measureEnd) {
      const prepared = nextRequest();
      const t0 = performance.now();
      let status: string;
      try {
        status = String(await send(agent, options.port, prepared));
      } catch {
        status = 'error';
        // A refused or reset connection: do not spin; the next attempt opens a new socket.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const t1 = performance.now();
      if (!measuring || t1 < measureStart || t1 > measureEnd) continue;
      tally.record(status, prepared, t1 - t0);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    agent.destroy();
  }
  if (cpuUsed === undefined) {
    // Every worker finished before the close timer (cannot happen with a positive duration); close now.
    cpuUsed = process.cpuUsage(cpuAtStart);
    options.onMeasureEnd?.();
  }
  const seconds = options.durationMs / 1000;
  return {
    seconds,
    connections,
    envelopes: tally.envelopes,
    events: tally.events,
    ...tally.rates(seconds),
    statuses: tally.statuses,
    ...tally.latency(),
    clientCores: round((cpuUsed.user + cpuUsed.system) / 1e6 / seconds, 3),
    bodyBytes: tally.bodyBytes,
  };
}
