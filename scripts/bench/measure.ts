import type { ClickHouseClient } from '@clickhouse/client';
import type { BaselineQuery } from './baseline-sql';
import type { EndpointCase, HttpRequest, QueryRange } from './endpoint-cases';
import { percentileOfSorted, round } from './stats';

export const WARM_UP_REQUESTS = 3;

export interface Timing {
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  samples: number;
}

export type CaseOutcome =
  | { status: 'measured'; endpoint: Timing; baseline: Timing }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; detail: string };

/** The query API as a dashboard calls it: bearer token, one request at a time, whole body read. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async send(request: HttpRequest): Promise<{ status: number; body: string; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${this.token}`, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - started };
  }
}

/** Runs the baseline's queries concurrently and reads every result, as the app does; wall time in ms. */
export async function runBaseline(client: ClickHouseClient, queries: BaselineQuery[]): Promise<number> {
  const started = performance.now();
  await Promise.all(queries.map(async ({ sql, params }) => (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json()));
  return performance.now() - started;
}

/** Nest answers an unknown route with 404 "Cannot GET /…"; any other 404 comes from an endpoint. */
function isUnknownRoute(status: number, body: string): boolean {
  if (status !== 404) return false;
  try {
    return /^Cannot (GET|POST) /.test(String((JSON.parse(body) as { detail?: unknown }).detail ?? ''));
  } catch {
    return false;
  }
}

/**
 * Warm-up, then `iterations` rounds of one endpoint request followed by one baseline run, so both
 * see the same moments of a noisy machine. Every request must answer 200; one that does not ends
 * the case as failed (no figure is reported for it).
 */
export async function measureCase(api: ApiClient, clickhouse: ClickHouseClient, testCase: EndpointCase, range: QueryRange, iterations: number): Promise<CaseOutcome> {
  const request = testCase.request(range);
  const baseline = testCase.baseline(range);
  const endpointMs: number[] = [];
  const baselineMs: number[] = [];
  for (let round = 0; round < WARM_UP_REQUESTS + iterations; round++) {
    const answer = await api.send(request);
    if (round === 0 && isUnknownRoute(answer.status, answer.body)) return { status: 'skipped', reason: 'route not registered' };
    if (answer.status !== 200) return { status: 'failed', detail: `${request.method} ${request.path} answered ${answer.status}: ${answer.body.slice(0, 300)}` };
    const baselineRun = await runBaseline(clickhouse, baseline);
    if (round >= WARM_UP_REQUESTS) {
      endpointMs.push(answer.ms);
      baselineMs.push(baselineRun);
    }
  }
  return { status: 'measured', endpoint: timing(endpointMs), baseline: timing(baselineMs) };
}

/** Nearest-rank percentiles (p95 of 30 samples is the 29th smallest). */
export function timing(samplesMs: number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const ms = (p: number): number => round(percentileOfSorted(sorted, p), 1);
  return { p50Ms: ms(50), p95Ms: ms(95), minMs: ms(0), maxMs: ms(100), samples: sorted.length };
}
