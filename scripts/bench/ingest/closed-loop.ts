import { Agent, OutgoingHttpHeaders, request } from 'node:http';
import { percentileOfSorted, round } from '../stats';

/** One request, prepared before timing: only the bytes go out during the run. */
export interface PreparedRequest {
  /** `/api/<project>/envelope/?sentry_key=…`. */
  path: string;
  body: Buffer;
  /** Including content-length. */
  headers: OutgoingHttpHeaders;
  /** Events it carries (the load generator's definition: a transaction, an error or a session update). */
  events: number;
}

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

export interface ClosedLoopResult {
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
  /** Client-side latency of the 2xx answers in the window (request start → response end), ms. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
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
  const { requests, connections } = options;
  if (requests.length === 0) throw new Error('no requests to send');
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  let next = options.startIndex ?? 0;
  const started = performance.now();
  const measureStart = started + options.warmupMs;
  const measureEnd = measureStart + options.durationMs;
  let measuring = false;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let envelopes = 0;
  let events = 0;
  let bodyBytes = 0;

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
      const prepared = requests[next];
      next = (next + 1) % requests.length;
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
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status.startsWith('2')) {
        envelopes++;
        events += prepared.events;
        bodyBytes += prepared.body.length;
        latencies.push(t1 - t0);
      }
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
  const sorted = Float64Array.from(latencies).sort();
  return {
    seconds,
    connections,
    envelopes,
    events,
    envelopesPerSecond: round(envelopes / seconds, 1),
    eventsPerSecond: round(events / seconds, 1),
    statuses,
    p50Ms: round(percentileOfSorted(sorted, 50), 2),
    p90Ms: round(percentileOfSorted(sorted, 90), 2),
    p99Ms: round(percentileOfSorted(sorted, 99), 2),
    maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1] : NaN, 2),
    clientCores: round((cpuUsed.user + cpuUsed.system) / 1e6 / seconds, 3),
    bodyBytes,
  };
}

/** Sends one request and reads the whole answer; resolves with the status code. */
export function send(agent: Agent, port: number, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: prepared.path, method: 'POST', agent, headers: prepared.headers },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(prepared.body);
  });
}
