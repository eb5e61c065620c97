import { waitUntil } from '@pulse/local-infra';
import { percentile, round } from '../bench/stats';
import type { ChaosOptions, ScenarioName } from './options';
import type { ChaosStack } from './stack';
import { SentEvent, SteadyLoad } from './steady-load';
import { mergeWindows, outsideWindows, Window } from './windows';
import type { PartitionState } from './writability';

/** When things happened in a scenario (epoch ms). */
export interface ScenarioTimes {
  loadStartMs: number;
  faultMs: number;
  /** The fault was undone (broker started, ClickHouse resumed). */
  recoveryMs: number;
  /** The component was back (broker registered, ClickHouse answering). */
  recoveredMs: number;
  loadEndMs: number;
  drainedMs: number;
}

/** What a scenario observed; reconciled against ClickHouse once every scenario has run. */
export interface ScenarioRun {
  name: ScenarioName;
  what: string;
  events: SentEvent[];
  skipped: number;
  times: ScenarioTimes;
  drained: boolean;
  fault: Record<string, unknown>;
  windows503: Window[];
  unwritable: Window[];
  blind: Window[];
  /** 503 answers to requests open at no time while the cluster could not take writes. */
  unavailableWhileWritable: number;
  retryAfter: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  leaderChanges: string[];
  rssMb: Record<'ingest' | 'consumer', { before: number; during_first_half: number; during_second_half: number; after: number; max: number }>;
  lagMax: number;
}

/** How far a 503 may lie from a window where the cluster could not write: the metadata poll interval and a poll's duration. */
const WINDOW_SLACK_MS = 1000;

type Log = (line: string) => void;

/**
 * The broker that leads the most partitions of the record topics carrying the load: killing it
 * takes leadership away from live traffic.
 */
async function busiestLeader(stack: ChaosStack): Promise<{ victim: number; partitions: PartitionState[] }> {
  let partitions: PartitionState[] = [];
  // A loaded machine may time a metadata request out: read again until the deadline.
  await waitUntil('the record partitions\' leaders', async () => (partitions = await stack.writability.partitions()).every((p) => p.leader >= 0), { timeoutMs: 30_000, intervalMs: 250 });
  const counts = new Map<number, number>();
  for (const p of partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return { victim: [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0][0], partitions };
}

/** Every partition of the record topics has all its replicas in sync again (before the next scenario). */
async function waitFullyReplicated(stack: ChaosStack, log: Log): Promise<void> {
  const started = Date.now();
  await waitUntil('every replica back in sync', async () => (await stack.writability.partitions()).every((p) => p.isr.length === stack.cluster.nodes.length), { timeoutMs: 120_000, intervalMs: 500 });
  log(`  every partition has ${stack.cluster.nodes.length} replicas in sync again (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const pause = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** SIGKILL of the busiest partition leader under load, restarted after --broker-down-seconds. */
async function brokerKill(stack: ChaosStack, options: ChaosOptions, log: Log, times: Partial<ScenarioTimes>): Promise<Record<string, unknown>> {
  await pause(options.warmupSeconds);
  const { victim, partitions: before } = await busiestLeader(stack);
  const led = before.filter((p) => p.leader === victim).map((p) => `${p.topic.slice(stack.database.length + 1)}/${p.partition}`);
  times.faultMs = Date.now();
  stack.writability.markDown(victim);
  await stack.cluster.killBroker(victim);
  log(`  SIGKILL broker ${victim} (leader of ${led.join(', ')})`);
  await pause(options.brokerDownSeconds);
  times.recoveryMs = Date.now();
  log(`  starting broker ${victim} again`);
  await stack.cluster.startBroker(victim);
  times.recoveredMs = Date.now();
  stack.writability.markUp(victim);
  stack.watchInfra();
  log(`  broker ${victim} registered again after ${((times.recoveredMs - times.recoveryMs) / 1000).toFixed(1)} s`);
  return { victim_node: victim, led_partitions: led, down_s: options.brokerDownSeconds, restart_s: round((times.recoveredMs - times.recoveryMs) / 1000, 1) };
}

/** ClickHouse frozen (SIGSTOP) or killed for --clickhouse-down-seconds under load, then resumed or restarted. */
async function clickhouseDown(stack: ChaosStack, options: ChaosOptions, log: Log, times: Partial<ScenarioTimes>): Promise<Record<string, unknown>> {
  await pause(options.warmupSeconds);
  times.faultMs = Date.now();
  if (options.clickhouseFault === 'stop') stack.freezeClickHouse();
  else await stack.killClickHouse();
  log(`  ClickHouse ${options.clickhouseFault === 'stop' ? 'frozen (SIGSTOP)' : 'killed (SIGKILL)'} for ${options.clickhouseDownSeconds} s`);
  await pause(options.clickhouseDownSeconds);
  times.recoveryMs = Date.now();
  if (options.clickhouseFault === 'stop') stack.thawClickHouse();
  else await stack.clickhouse.start();
  times.recoveredMs = Date.now();
  stack.watchInfra();
  log(`  ClickHouse ${options.clickhouseFault === 'stop' ? 'resumed (SIGCONT)' : `restarted in ${((times.recoveredMs - times.recoveryMs) / 1000).toFixed(1)} s`}`);
  return { fault: options.clickhouseFault === 'stop' ? 'SIGSTOP, then SIGCONT' : 'SIGKILL, then start', down_s: options.clickhouseDownSeconds };
}

const SCENARIOS: Record<ScenarioName, { what: string; fault: typeof brokerKill }> = {
  'broker-kill': { what: 'SIGKILL of the broker leading the most record partitions, restarted later', fault: brokerKill },
  'clickhouse-down': { what: 'ClickHouse taken away under load, then back', fault: clickhouseDown },
};

/** One scenario: steady load, the fault during it, the load stopped, then a wait until the consumer has stored everything. */
export async function runScenario(stack: ChaosStack, name: ScenarioName, options: ChaosOptions, log: Log, onLoad: (load: SteadyLoad | undefined) => void): Promise<ScenarioRun> {
  const spec = SCENARIOS[name];
  log(`${name}: ${spec.what}; ${options.rate} requests/s`);
  const load = new SteadyLoad({
    ingestUrl: stack.app('ingest').url,
    targets: stack.targets,
    rate: options.rate,
    maxInFlight: options.maxInFlight,
    requestTimeoutMs: options.requestTimeoutMs,
    onProgress: (c) => log(`  ${Math.round(c.elapsedS)} s: ${c.sent} sent, ${c.ok} × 200, ${c.unavailable} × 503, ${c.other} other, ${c.noAnswer} no answer, ${c.inFlight} in flight, ${c.skipped} skipped; lag ${stack.lag.readings.at(-1)?.lag ?? '?'}`),
  });
  onLoad(load);
  const times: Partial<ScenarioTimes> = { loadStartMs: Date.now() };
  load.start();
  let fault: Record<string, unknown>;
  try {
    fault = await spec.fault(stack, options, log, times);
    await pause(options.afterSeconds);
  } finally {
    await load.stop();
    onLoad(undefined);
  }
  times.loadEndMs = Date.now();
  log(`  load stopped; waiting for the consumer to store the backlog (at most ${options.drainTimeoutSeconds} s)`);
  let drained = true;
  try {
    await waitUntil('consumer lag 0', async () => (await stack.lag.read()).lag === 0, { timeoutMs: options.drainTimeoutSeconds * 1000, intervalMs: 500 });
  } catch {
    drained = false;
  }
  times.drainedMs = Date.now();
  log(`  ${drained ? 'lag 0' : 'the lag did NOT reach 0'} ${((times.drainedMs - times.loadEndMs) / 1000).toFixed(1)} s after the load stopped`);
  if (name === 'broker-kill') await waitFullyReplicated(stack, log);
  return summarize(stack, name, spec.what, load, times as ScenarioTimes, drained, fault);
}

function summarize(stack: ChaosStack, name: ScenarioName, what: string, load: SteadyLoad, times: ScenarioTimes, drained: boolean, fault: Record<string, unknown>): ScenarioRun {
  const events = load.events;
  const unavailable = events.filter((e) => e.status === 503).map((e) => ({ ...e, answeredAtMs: e.answeredAtMs! }));
  const windows503 = mergeWindows(unavailable.map((e) => ({ startMs: e.answeredAtMs, endMs: e.answeredAtMs })), 1000);
  const unwritable = stack.writability.windows(times.loadStartMs, times.drainedMs);
  const retryAfter: Record<string, number> = {};
  for (const e of unavailable) retryAfter[e.retryAfter ?? 'missing'] = (retryAfter[e.retryAfter ?? 'missing'] ?? 0) + 1;
  const latencies = events.filter((e) => e.answeredAtMs !== undefined && e.status !== 0).map((e) => e.answeredAtMs! - e.sentAtMs);
  const rss = (app: 'ingest' | 'consumer') => {
    const mid = (times.faultMs + times.recoveryMs) / 2;
    const max = (from: number, to: number) => stack.monitor.rss(app, from, to).max;
    return {
      before: max(times.loadStartMs, times.faultMs),
      during_first_half: max(times.faultMs, mid),
      during_second_half: max(mid, times.recoveryMs),
      after: max(times.recoveryMs, times.drainedMs),
      max: max(times.loadStartMs, times.drainedMs),
    };
  };
  return {
    name,
    what,
    events,
    skipped: load.skipped,
    times,
    drained,
    fault,
    windows503,
    unwritable,
    blind: stack.writability.blindWindows(times.loadStartMs, times.drainedMs),
    unavailableWhileWritable: outsideWindows(unavailable, unwritable, WINDOW_SLACK_MS).length,
    retryAfter,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? Math.max(...latencies) : NaN },
    leaderChanges: stack.writability.leaderChanges(times.loadStartMs, times.drainedMs).map((change) => change.slice(stack.database.length + 1)),
    rssMb: { ingest: rss('ingest'), consumer: rss('consumer') },
    lagMax: Math.max(0, ...stack.lag.between(times.loadStartMs, times.drainedMs).map((r) => r.lag)),
  };
}
