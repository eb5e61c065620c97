import { RELEASES } from './catalog/releases';
import { ROUTES } from './catalog/routes';
import { ANONYMOUS_SHARE, ClientPool } from './clients';
import type { BuildContext } from './events/build-context';
import { drawErrorEvent } from './events/error-event';
import { drawPageload } from './events/pageload-model';
import { drawServerTransaction } from './events/server-transaction';
import { drawSession } from './events/session';
import { DEFAULT_MIX, EVENT_KINDS } from './mix';
import { SeededRandom } from './random';
import { generate, T0_MS } from './testing/generate';

/**
 * The workload's shape, from the models (no serialization: envelopes.spec proves that part). Large
 * fixed-seed samples; each tolerance is stated and is at least ~3 standard errors of its estimate,
 * so the assertions check the model, not the luck of one seed.
 */
const clients = new ClientPool(new SeededRandom(1), 1000);
const contextOf = (seed: number): BuildContext => ({ random: new SeededRandom(seed), ids: new SeededRandom(seed + 1e9), clients, nowMs: T0_MS, publicKey: 'k', tagSentAt: false });
const draw = <T>(count: number, make: (ctx: BuildContext) => T, offset = 0): T[] => Array.from({ length: count }, (_, i) => make(contextOf(offset + i + 1)));

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const share = <T>(items: T[], test: (item: T) => boolean): number => items.filter(test).length / items.length;
const logSigma = (values: number[]): number => {
  const logs = values.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
};

describe('server transactions', () => {
  const transactions = draw(60_000, drawServerTransaction);
  const durationOf = (tx: (typeof transactions)[number]) => tx.endMs - tx.startMs;
  const stable = transactions.filter((tx) => !tx.client.release.canary);
  const canary = transactions.filter((tx) => tx.client.release.canary);

  it('take each route log-normal around its own median (±6%) and σ (±8%), on stable releases', () => {
    for (const route of ROUTES.filter((r) => r.share >= 0.05)) {
      const durations = stable.filter((tx) => tx.route === route).map(durationOf);
      expect(Math.abs(median(durations) / route.medianMs - 1)).toBeLessThan(0.06);
      expect(Math.abs(logSigma(durations) / route.sigma - 1)).toBeLessThan(0.08);
    }
  });

  it('are 1.3× slower on the canary (median of duration / route median, ±6%)', () => {
    const relative = (list: typeof transactions) => median(list.map((tx) => durationOf(tx) / tx.route.medianMs));
    expect(relative(canary) / relative(stable)).toBeGreaterThan(1.3 * 0.94);
    expect(relative(canary) / relative(stable)).toBeLessThan(1.3 * 1.06);
  });

  it('give the canary ~10% of the traffic (±0.5 point)', () => {
    expect(Math.abs(canary.length / transactions.length - 0.1)).toBeLessThan(0.005);
  });

  it('fail ~3× as often on the canary (ratio within ±25%)', () => {
    const failureRate = (list: typeof transactions) => share(list, (tx) => tx.failure !== undefined);
    expect(failureRate(stable)).toBeGreaterThan(0.005);
    const ratio = failureRate(canary) / failureRate(stable);
    expect(ratio).toBeGreaterThan(3 * 0.75);
    expect(ratio).toBeLessThan(3 * 1.25);
  });

  it('keep every child span inside its request, one after the other', () => {
    const overlapping = transactions.filter((tx) =>
      tx.children.some((child, i) => child.startMs < (i === 0 ? tx.startMs : tx.children[i - 1].endMs) || child.endMs < child.startMs || child.endMs > tx.endMs),
    );
    expect(overlapping).toEqual([]);
  });
});

describe('clients', () => {
  const drawn = draw(40_000, (ctx) => ctx.clients.draw(ctx.random));

  it('spread over releases by traffic share (±1 point each) and environments 85/15 (±1 point)', () => {
    for (const release of RELEASES) expect(Math.abs(share(drawn, (c) => c.release === release) - release.trafficShare)).toBeLessThan(0.01);
    expect(Math.abs(share(drawn, (c) => c.environment === 'production') - 0.85)).toBeLessThan(0.01);
  });

  it('are anonymous 20% of the time (±1 point) and otherwise drawn from the pool', () => {
    expect(Math.abs(share(drawn, (c) => c.user === undefined) - ANONYMOUS_SHARE)).toBeLessThan(0.01);
    expect(new Set(drawn.map((c) => c.user?.id).filter(Boolean)).size).toBeGreaterThan(990);
  });
});

describe('page views', () => {
  const pageloads = draw(30_000, drawPageload);

  it('keep the vitals in paint order: TTFB < FP ≤ FCP ≤ LCP, CLS ≥ 0, INP ≥ 8 ms when present', () => {
    const broken = pageloads.filter(({ vitals: v }) => !(v.ttfb < v.fp && v.fp <= v.fcp && v.fcp <= v.lcp && v.cls >= 0 && (v.inp === undefined || v.inp >= 8)));
    expect(broken).toEqual([]);
  });

  it('shift nothing on ~30% of views (CLS 0, ±1.5 points) and have an interaction (INP) on ~60% (±1.5 points)', () => {
    expect(Math.abs(share(pageloads, (p) => p.vitals.cls === 0) - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(share(pageloads, (p) => p.vitals.inp !== undefined) - 0.6)).toBeLessThan(0.015);
  });

  it('take TTFB log-normal around the page median × browser factor on stable releases (±6%)', () => {
    const stable = pageloads.filter((p) => !p.client.release.canary);
    expect(Math.abs(median(stable.map((p) => p.vitals.ttfb / (p.page.vitals.ttfb * p.client.browser.latencyFactor))) - 1)).toBeLessThan(0.06);
  });

  it('paint LCP 1.3× later on the canary (median of LCP / page median, ±8%)', () => {
    const relative = (canary: boolean) => median(pageloads.filter((p) => p.client.release.canary === canary).map((p) => p.vitals.lcp / p.page.vitals.lcp));
    expect(relative(true) / relative(false)).toBeGreaterThan(1.3 * 0.92);
    expect(relative(true) / relative(false)).toBeLessThan(1.3 * 1.08);
  });

  it('end before they are sent and contain their children', () => {
    const outside = pageloads.filter((page) => page.endMs >= T0_MS || page.children.some((child) => child.startMs < page.startMs || child.endMs > page.endMs));
    expect(outside).toEqual([]);
  });
});

describe('errors and sessions', () => {
  it('put ~25% of the errors on the canary (10% of the traffic × 3, ±1.5 points)', () => {
    const errors = draw(20_000, drawErrorEvent);
    // 0.1 × 3 / (0.9 × 1 + 0.1 × 3) = 0.25
    expect(Math.abs(share(errors, (e) => e.client.release.canary) - 0.25)).toBeLessThan(0.015);
    expect(share(errors, (e) => e.group === 'canary-delivery-date' && !e.client.release.canary)).toBe(0);
  });

  it('crash Node process sessions ~3× as often on the canary (ratio within ±25%)', () => {
    const stories = draw(100_000, drawSession).flatMap((s) => (s.aggregates || s.story.kind !== 'node' ? [] : [s.story]));
    const crashRate = (canary: boolean) => share(stories.filter((s) => s.client.release.canary === canary), (s) => s.updates.some((u) => u.status === 'crashed'));
    expect(crashRate(true) / crashRate(false)).toBeGreaterThan(3 * 0.75);
    expect(crashRate(true) / crashRate(false)).toBeLessThan(3 * 1.25);
  });
});

describe('the event mix', () => {
  it('sends each kind at its share of the events (±1.5 points), sessions including their later updates', () => {
    const generated = generate(12_000, { seed: 9 });
    const events = generated.reduce((sum, g) => sum + g.events, 0);
    for (const kind of EVENT_KINDS) {
      const ofKind = generated.filter((g) => g.kind === kind).reduce((sum, g) => sum + g.events, 0);
      expect(Math.abs(ofKind / events - DEFAULT_MIX[kind])).toBeLessThan(0.015);
    }
    expect(generated.filter((g) => g.kind === 'web-vitals').every((g) => g.events === 0)).toBe(true);
  });
});
