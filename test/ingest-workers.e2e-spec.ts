import { waitUntil } from '@pulse/local-infra';
import { request as httpRequest } from 'node:http';
import { childPids, metricSamples, metricValue } from '@pulse/testing';
import { E2EStack } from './support/e2e-stack';

/**
 * INGEST_WORKERS=2: two ingest processes behind one port under a node:cluster primary. A worker
 * killed with SIGKILL is restarted while the other keeps answering; /metrics of any worker
 * reports the whole set; SIGTERM to the primary drains both.
 */
jest.setTimeout(180_000);

const PROJECT = 31;

describe('ingest with INGEST_WORKERS=2', () => {
  const stack = new E2EStack([{ id: PROJECT }]);
  const envelope = (eventId: string) => `{"event_id":"${eventId}"}\n{"type":"event"}\n{"message":"worker test","level":"error"}\n`;

  /** One envelope on a new connection (no keep-alive), so the cluster spreads them over the workers. */
  const post = (n: number): Promise<number | 'error' | 'timeout'> =>
    new Promise((resolve) => {
      const url = new URL(`${stack.app('ingest').url}/api/${PROJECT}/envelope/?sentry_key=${stack.project(PROJECT).key}`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve('error'));
      });
      req.on('error', () => resolve('error'));
      // An answer that never comes is a failure to report, not a hang of the test.
      req.setTimeout(10_000, () => {
        resolve('timeout');
        req.destroy();
      });
      req.end(envelope(n.toString(16).padStart(32, '0')));
    });
  const metric = async (name: string): Promise<number> => metricValue(await stack.metricsText('ingest'), name);
  const workers = (): number[] => childPids(stack.app('ingest').pid!);

  beforeAll(async () => {
    await stack.start({ INGEST_WORKERS: '2' }, ['ingest']);
    // /ready of the first worker answers before the second listens: wait for both.
    await waitUntil('both workers running', async () => (await metric('pulse_ingest_workers')) === 2, { timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('aggregates metrics across the workers, whichever worker answers the scrape', async () => {
    const accepted = { kind: 'error', outcome: 'accepted' };
    const before = metricValue(await stack.metricsText('ingest'), 'pulse_ingest_events_total', accepted);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i + 1)));
    expect(statuses).toEqual(Array(20).fill(200));
    // Each scrape is a new connection, taken by either worker: every one must hold both workers'
    // registries and count all twenty envelopes, wherever they were served.
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await stack.metricsText('ingest');
      expect(metricSamples(text, 'pulse_ingest_worker_info').map((s) => s.labels.pid).sort()).toEqual(workers().map(String).sort());
      expect(metricValue(text, 'pulse_ingest_events_total', accepted) - before).toBe(20);
      expect(metricValue(text, 'pulse_ingest_workers')).toBe(2);
      expect(metricValue(text, 'pulse_ingest_metrics_workers_missing')).toBe(0);
    }
    // Still behind the metrics token.
    expect((await fetch(`${stack.app('ingest').url}/metrics`)).status).toBe(401);
  });

  it('restarts a worker killed with SIGKILL while the other keeps answering', async () => {
    const [victim, survivor] = workers();
    expect(survivor).toBeDefined();
    process.kill(victim, 'SIGKILL');
    // Requests sent while the victim is dead and being restarted: each on a new connection, all
    // taken by the survivor.
    const during: Array<number | 'error' | 'timeout'> = [];
    await waitUntil(
      'the killed worker replaced',
      async () => {
        during.push(await post(1000 + during.length));
        const now = workers();
        return now.length === 2 && !now.includes(victim) && now.includes(survivor);
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => s !== 200)).toEqual([]);
    await waitUntil('the new worker serving', async () => (await metric('pulse_ingest_workers')) === 2 && (await fetch(`${stack.app('ingest').url}/ready`)).ok, { timeoutMs: 60_000 });
    expect(await metric('pulse_ingest_worker_crashes_total')).toBe(1);
    expect(await metric('pulse_ingest_worker_restarts_total')).toBe(1);
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => post(2000 + i)));
    expect(after).toEqual(Array(6).fill(200));
  });

  it('drains every worker on SIGTERM to the primary and ends by that signal', async () => {
    const pids = workers();
    const exit = await stack.app('ingest').stop();
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
