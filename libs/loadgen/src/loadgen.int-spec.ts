import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from './run-load';
import type { EnvelopeReport } from './options';
import { PulseReader } from './testing/pulse-reader';

/**
 * runLoad end to end over real HTTP, against a fake of the far side: an in-process node:http
 * server on 127.0.0.1 that records every request and answers as each test tells it (200, 429,
 * slowly, never). No Pulse, Kafka or ClickHouse involved; the runs are 0.5–1 s each.
 */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (index: number, res: ServerResponse) => void;

const ok: Answer = (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"0123456789abcdef0123456789abcdef"}');

class FakePulse {
  readonly received: Received[] = [];
  private server!: Server;
  private readonly hanging: ServerResponse[] = [];
  answer: Answer = ok;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }) - 1;
        this.answer(index, res);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  dsn(project: number): string {
    return `http://0123456789abcdef0123456789abcdef@127.0.0.1:${this.port}/${project}`;
  }

  /** Never answers (until the server stops). */
  hang(): Answer {
    return (_, res) => void this.hanging.push(res);
  }

  reset(answer: Answer = ok): void {
    this.received.length = 0;
    this.answer = answer;
    for (const res of this.hanging.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    this.reset();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('runLoad against an HTTP server on 127.0.0.1', () => {
  const pulse = new FakePulse();
  beforeAll(() => pulse.start());
  afterEach(() => pulse.reset());
  afterAll(() => pulse.stop());

  it('sends rate × duration events on schedule, over every project, as the JS SDKs send them', async () => {
    // Plenty of connections: this server shares the test's event loop, and on a busy 2-core machine
    // its answers took up to 400 ms (80 in flight at 200/s). Even so a long stall may leave a few
    // events behind, hence ≥ 95% sent.
    const summary = await runLoad({ dsns: [pulse.dsn(1), pulse.dsn(2)], rate: 200, durationS: 1, concurrency: 256, seed: 1 });
    expect(summary.events.planned).toBe(200);
    expect(summary.events.sent + summary.events.behind).toBe(200);
    expect(summary.events.sent).toBeGreaterThanOrEqual(190);
    expect(summary.events.accepted).toBe(summary.events.sent);
    expect(summary.envelopes.sent).toBe(pulse.received.length);
    expect(summary.envelopes).toMatchObject({ accepted: pulse.received.length, rejected: 0, networkErrors: 0 });
    expect(summary.statuses).toEqual({ 200: pulse.received.length });
    // The window is the duration (the timer waits it out), so the rate is the schedule's.
    expect(summary.elapsedS).toBeGreaterThanOrEqual(1);
    // Upper bound with room for a stalled event loop on a busy machine: it only has to tell "waited
    // out the window" from "also waited for something else".
    expect(summary.elapsedS).toBeLessThan(2);
    expect(summary.rate.eventsPerS).toBeGreaterThan(190 / 2);

    const reader = new PulseReader();
    for (const request of pulse.received) {
      expect(request.path).toMatch(/^\/api\/[12]\/envelope\/\?sentry_version=7&sentry_key=0123456789abcdef0123456789abcdef&sentry_client=sentry\.javascript\.(node|browser)%2F\d+\.\d+\.\d+$/);
      const browser = request.path.includes('browser');
      expect(request.headers['content-type']).toBe(browser ? 'text/plain;charset=UTF-8' : undefined);
      expect(request.headers.origin).toBe(browser ? 'https://shop.example' : undefined);
      expect(reader.read(request.body, Date.now()).problems).toEqual([]);
    }
    const toProject2 = pulse.received.filter((request) => request.path.startsWith('/api/2/')).length / pulse.received.length;
    expect(toProject2).toBeGreaterThan(0.3);
    expect(toProject2).toBeLessThan(0.7);
  });

  it('counts responses by status as the server gave them', async () => {
    pulse.reset((index, res) => (index % 4 === 1 ? res.writeHead(429, { 'retry-after': '60' }).end() : index % 10 === 3 ? res.writeHead(503).end() : ok(index, res)));
    const summary = await runLoad({ dsns: [pulse.dsn(1)], rate: 100, durationS: 0.5, concurrency: 4 });
    const tally: Record<string, number> = {};
    pulse.received.forEach((_, index) => {
      const status = index % 4 === 1 ? '429' : index % 10 === 3 ? '503' : '200';
      tally[status] = (tally[status] ?? 0) + 1;
    });
    expect(summary.statuses).toEqual(tally);
    expect(summary.envelopes.rejected).toBe((tally['429'] ?? 0) + (tally['503'] ?? 0));
    expect(summary.envelopes.accepted).toBe(tally['200']);
  });

  it('counts what a slow server leaves no connection for as behind, instead of sending less quietly', async () => {
    pulse.reset((index, res) => setTimeout(() => ok(index, res), 300));
    const summary = await runLoad({ dsns: [pulse.dsn(1)], rate: 50, durationS: 1, concurrency: 2 });
    expect(summary.events.planned).toBe(50);
    expect(summary.envelopes.sent).toBeLessThanOrEqual(10);
    expect(summary.envelopes.behind).toBeGreaterThan(30);
    expect(summary.envelopes.sent + summary.envelopes.behind).toBe(summary.envelopes.planned);
    expect(summary.latencyMs.p50).toBeGreaterThanOrEqual(295);
  });

  it("runs closed loop with rate 'max': back to back, nothing behind", async () => {
    const summary = await runLoad({ dsns: [pulse.dsn(1)], rate: 'max', durationS: 0.5, concurrency: 4 });
    expect(summary).toMatchObject({ mode: 'closed-loop', targetEventsPerS: null, scheduleLagMs: null });
    // The window is waited out on the same clock as the open loop's, never ended a fraction early.
    expect(summary.elapsedS).toBeGreaterThanOrEqual(0.5);
    expect(summary.envelopes.sent).toBeGreaterThan(20);
    expect(summary.envelopes.behind).toBe(0);
    expect(summary.envelopes.accepted).toBe(summary.envelopes.sent);
  });

  it('stops early on abort, waits for the sends in flight and still returns the summary', async () => {
    const stop = new AbortController();
    // Aborted after the tenth answer rather than after a fixed time, which a busy machine may
    // spend before the first send; sends still in flight then must be waited for.
    let answered = 0;
    const onEnvelope = () => {
      if (++answered === 10) stop.abort();
    };
    const startedAt = performance.now();
    const summary = await runLoad({ dsns: [pulse.dsn(1)], rate: 100, durationS: 10, concurrency: 4, signal: stop.signal, onEnvelope });
    // A 10 s run that stopped after about 0.1 s of sending; the bounds leave room for a busy machine.
    expect(performance.now() - startedAt).toBeLessThan(5000);
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.elapsedS).toBeLessThan(3);
    expect(summary.envelopes.sent).toBeGreaterThanOrEqual(10);
    expect(summary.envelopes.accepted).toBe(summary.envelopes.sent);
    expect(answered).toBe(summary.envelopes.sent);
  });

  it('counts requests without an answer in time as timeouts, and aborts what is left after the drain timeout', async () => {
    pulse.reset(pulse.hang());
    const timedOut = await runLoad({ dsns: [pulse.dsn(1)], rate: 20, durationS: 0.5, concurrency: 20, timeoutMs: 200 });
    expect(timedOut.networkErrors).toEqual({ timeout: timedOut.envelopes.sent });
    const aborted = await runLoad({ dsns: [pulse.dsn(1)], rate: 20, durationS: 0.5, concurrency: 20, timeoutMs: 60_000, drainTimeoutMs: 200 });
    expect(aborted.networkErrors).toEqual({ aborted: aborted.envelopes.sent });
    expect(aborted.drainS).toBeLessThan(1.5);
  });

  it('counts network errors by code when nothing listens', async () => {
    const closed = new FakePulse();
    await closed.start();
    const dsn = closed.dsn(1);
    await closed.stop();
    const summary = await runLoad({ dsns: [dsn], rate: 20, durationS: 0.3, concurrency: 4 });
    expect(summary.envelopes.accepted).toBe(0);
    expect(summary.networkErrors).toEqual({ ECONNREFUSED: summary.envelopes.sent });
  });

  it('counts 200 answers that name left-out items as partially stored', async () => {
    pulse.reset((_, res) => res.writeHead(200).end('{"id":"0123456789abcdef0123456789abcdef","dropped":["item 0 (span): items[2]: invalid span"]}'));
    const summary = await runLoad({ dsns: [pulse.dsn(1)], rate: 20, durationS: 0.3, concurrency: 4 });
    expect(summary.envelopes.partial).toBe(summary.envelopes.sent);
  });

  it('reports every send with its time and trace ids', async () => {
    const reports: EnvelopeReport[] = [];
    await runLoad({ dsns: [pulse.dsn(1)], rate: 100, durationS: 0.5, concurrency: 4, onEnvelope: (report) => reports.push(report) });
    expect(reports).toHaveLength(pulse.received.length);
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.filter((report) => report.kind !== 'session').every((report) => report.traceIds.length === 1)).toBe(true);
  });

  it('tags every error event with loadgen.sent_at, the time its send was reported', async () => {
    // Errors only: each one is a classic event and carries the tag, so the count of tags is known
    // whatever share of the run the random mix would have given to streamed or session envelopes.
    const reports: EnvelopeReport[] = [];
    await runLoad({ dsns: [pulse.dsn(1)], rate: 100, durationS: 0.5, concurrency: 4, mix: { error: 1 }, onEnvelope: (report) => reports.push(report) });
    const tags = pulse.received.flatMap((request) => [...request.body.matchAll(/"loadgen\.sent_at":"(\d+)"/g)].map((match) => match[1]));
    expect(reports.length).toBeGreaterThan(5);
    expect(tags.sort()).toEqual(reports.map((report) => String(report.sentAtMs)).sort());
  });

  it('refuses a remote host before sending anything', async () => {
    await expect(runLoad({ dsns: ['http://k@example.com/1'], rate: 1, durationS: 1 })).rejects.toThrow(/--allow-remote/);
  });
});
