import { percentile, round } from '../stats';

/** The reported shape: a billion-row cross join of generated numbers, hashed; only a time cap ends it. */
export const HEAVY_SQL =
  'SELECT count() FROM (SELECT arrayJoin(range(1000000)) a) AS x CROSS JOIN (SELECT arrayJoin(range(100000)) b) AS y WHERE cityHash64(a, b) = 0';

/** The other tenant's simple query: a count over its last hour. */
export const SIMPLE_SQL = 'SELECT count() AS n FROM transactions';

export interface SqlTarget {
  queryUrl: string;
  projectId: number;
  token: string;
}

interface Answer {
  status: string;
  ms: number;
  retryAfterS?: number;
}

async function postSql(target: SqlTarget, sql: string, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  const now = Date.now();
  try {
    const response = await fetch(`${target.queryUrl}/api/v1/projects/${target.projectId}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql, from: now - 3_600_000, to: now + 60_000 }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    const retryAfter = Number(response.headers.get('retry-after'));
    return { status: String(response.status), ms: performance.now() - started, retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
  } catch (error) {
    return { status: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error', ms: performance.now() - started };
  }
}

/** Statuses counted, and the latency of the 200s. */
export interface ClientFigures {
  requests: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function figures(answers: Answer[]): ClientFigures {
  const statuses: Record<string, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  const ok = answers.filter((a) => a.status === '200').map((a) => a.ms);
  return {
    requests: answers.length,
    statuses,
    p50Ms: round(percentile(ok, 50), 1),
    p95Ms: round(percentile(ok, 95), 1),
    maxMs: ok.length === 0 ? NaN : round(Math.max(...ok), 1),
  };
}

/**
 * A loop of requests until `stop()`: `clients` of them at once, each sending its next request when
 * its last one is answered, after `pauseMs` (or the Retry-After of a 429, as a polite client does).
 * `stop()` resolves once every request in flight is answered.
 */
export class SqlLoop {
  private readonly answers: Answer[] = [];
  private stopped = false;
  private readonly loops: Array<Promise<void>> = [];

  constructor(
    private readonly target: SqlTarget,
    private readonly sql: string,
    private readonly options: { clients: number; pauseMs: number; timeoutMs: number },
  ) {}

  start(): this {
    for (let i = 0; i < this.options.clients; i++) this.loops.push(this.run());
    return this;
  }

  async stop(): Promise<ClientFigures> {
    this.stopped = true;
    await Promise.all(this.loops);
    return figures(this.answers);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const answer = await postSql(this.target, this.sql, this.options.timeoutMs);
      this.answers.push(answer);
      const pause = answer.status === '429' && answer.retryAfterS ? answer.retryAfterS * 1000 : this.options.pauseMs;
      await this.sleepUnlessStopped(pause);
    }
  }

  /** Waits `ms`, waking early once stopped. */
  private async sleepUnlessStopped(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) await new Promise((done) => setTimeout(done, Math.min(100, until - Date.now())));
  }
}

/** `GET /ready` of each app once a second: how often an app said it was not ready. */
export class ReadinessProbe {
  private readonly counts: Record<string, Record<string, number>> = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly apps: Record<string, string>) {}

  start(): this {
    this.timer = setInterval(() => {
      for (const [app, url] of Object.entries(this.apps)) {
        const probe = fetch(`${url}/ready`, { signal: AbortSignal.timeout(5000) })
          .then(
            async (response) => {
              await response.arrayBuffer();
              return String(response.status);
            },
            () => 'no answer in 5 s',
          )
          .then((status) => {
            this.counts[app] ??= {};
            this.counts[app][status] = (this.counts[app][status] ?? 0) + 1;
          })
          .finally(() => this.inFlight.delete(probe));
        this.inFlight.add(probe);
      }
    }, 1000);
    return this;
  }

  async stop(): Promise<Record<string, Record<string, number>>> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    return this.counts;
  }
}
