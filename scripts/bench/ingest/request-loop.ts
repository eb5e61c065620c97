// What the closed-loop and the open-loop load of the ingest benchmark share: the prepared requests
// (sent in turn), the keep-alive agent and the one-request send, and the tally of the answers that
// count (those of the measured window), with the rates and latency percentiles both report.
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

/** Client latency of the 2xx answers in the window, ms (what it runs from is the loop's). */
export interface LatencyFigures {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** The prepared requests in turn, from `startIndex` (so alternating phases do not always send the same first bodies). */
export function requestCycle(requests: readonly PreparedRequest[], startIndex = 0): () => PreparedRequest {
  if (requests.length === 0) throw new Error('no requests to send');
  let next = startIndex;
  return () => {
    const prepared = requests[next];
    next = (next + 1) % requests.length;
    return prepared;
  };
}

/** The answers that count: every status (network errors as "error"), and the 2xx answers' events, bytes and latency. */
export class AnswerTally {
  envelopes = 0;
  events = 0;
  /** Request bytes of the 2xx answers. */
  bodyBytes = 0;
  readonly statuses: Record<string, number> = {};
  private readonly latencies: number[] = [];

  record(status: string, prepared: PreparedRequest, latencyMs: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (!status.startsWith('2')) return;
    this.envelopes++;
    this.events += prepared.events;
    this.bodyBytes += prepared.body.length;
    this.latencies.push(latencyMs);
  }

  rates(seconds: number): { envelopesPerSecond: number; eventsPerSecond: number } {
    return { envelopesPerSecond: round(this.envelopes / seconds, 1), eventsPerSecond: round(this.events / seconds, 1) };
  }

  latency(): LatencyFigures {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      p50Ms: round(percentileOfSorted(sorted, 50), 2),
      p90Ms: round(percentileOfSorted(sorted, 90), 2),
      p99Ms: round(percentileOfSorted(sorted, 99), 2),
      maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1] : NaN, 2),
    };
  }
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
