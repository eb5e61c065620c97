// End-to-end benchmark (`npm run bench:e2e -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-e2e.js [--rate 1000] [--seconds 60] [--rates 250,500,750,1000,1500,2000,3000,4000,5000]
//                                  [--step-seconds 60] [--all-rates] [--warmup-seconds 10] [--grace-seconds 30]
//                                  [--projects 3] [--partitions 4] [--concurrency 512] [--sample-percent 1]
//                                  [--poll-interval-ms 100] [--poll-in-flight 2] [--seed 42] [--out FILE]
//
// The whole stack on this machine: local Kafka, ClickHouse and PostgreSQL, migrations, the three built apps
// with a generated PULSE_CONFIG, and the load generator (@pulse/loadgen runLoad, open loop at a
// fixed rate) in a child process of its own (scripts/bench/e2e/loadgen-child.ts), so its CPU is
// measured apart from this process's.
//   1. Warm-up: --warmup-seconds at --rate (reported apart).
//   2. Freshness: --seconds at --rate. About --sample-percent of the accepted transactions are
//      watched through the query API (the SQL API, polled per project at most every 100 ms, at
//      most --poll-in-flight polls at once) until visible: freshness = answer that names it −
//      send time; p50/p95/max, and the samples never seen within --grace-seconds are counted.
//   3. Sustained rate: steps of --step-seconds at each of --rates, ending at the first step that
//      fails (unless --all-rates). The pass rule is in scripts/bench/e2e/step-criteria.ts.
//   4. Per component (ingest, consumer, Kafka, ClickHouse, query, load generator, this process):
//      cores, CPU ms per 1,000 accepted events and RSS from /proc once a second, reported at the
//      highest passing step and at --rate (scripts/bench/e2e/component-cost.ts).
// An "event" is the load generator's: one transaction, one error or one session update.
//
// A local Kafka (port 29292), ClickHouse (chdb, port 28223) and PostgreSQL (a free port) start
// under .local/bench-e2e (wiped first) unless KAFKA_BROKERS / CLICKHOUSE_URL / DATABASE_URL are
// set; the run's PostgreSQL database (bench_e2e_<hex>) is created there and dropped at the end. Everything listens on 127.0.0.1
// and is stopped at the end, also on failure or Ctrl-C. Results: tables on stdout, JSON in
// bench/results/<timestamp>-e2e.json (or --out).
import type { LoadProgress, LoadSummary } from '@pulse/loadgen';
import { AppName, AppProcess, waitUntil } from '@pulse/local-infra';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { BENCH_APPS, BenchStack, sumRecords, tuningEnv } from './bench/e2e/bench-stack';
import { machine, saveResult } from './bench/report';
import { FreshnessFigures, FreshnessPoller } from './bench/e2e/freshness';
import { LagSampler } from './bench/e2e/lag-sampler';
import { LoadgenProcess } from './bench/e2e/loadgen-process';
import { DEFAULT_FRESHNESS_RATE, E2EBenchOptions, readE2EOptions } from './bench/e2e/options';
import { ProcessMonitor } from './bench/e2e/process-monitor';
import { COMPONENTS, phaseCost, printComponentCosts } from './bench/e2e/component-cost';
import { judgeLag, judgeStep, LagVerdict, MAX_FRESHNESS_P95_MS, MAX_LAG_GROWTH_SHARE, MIN_ACHIEVED_SHARE, sustainedRate } from './bench/e2e/step-criteria';
import { MedianMax, round } from './bench/stats';
import { formatNumber as fmt, printColumns, printRows } from './bench/table';
import { stopOnSignal } from './bench/stop-on-signal';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench e2e: ${line}`);
const KAFKA_PORT = 29292;
const CLICKHOUSE_PORT = 28223;
const APPS = BENCH_APPS;
/** Processes whose CPU and RSS are followed (those that exist in this run). */
const WATCHED = COMPONENTS;
/** The targets (docs/benchmarks.md): sustained events/s (and the stretch), freshness p95 at --rate, RSS of each Node service. */
const TARGET_SUSTAINED = 3000;
const STRETCH_SUSTAINED = 5000;
const TARGET_FRESHNESS_P95_MS = 2000;
const TARGET_RSS_MB = 250;
const CATCH_UP_TIMEOUT_MS = 120_000;

interface PhaseResult {
  phase: string;
  offered_events_per_s: number;
  accepted_events_per_s: number;
  achieved_share: number;
  seconds: number;
  envelopes: LoadSummary['envelopes'];
  events: LoadSummary['events'];
  statuses: Record<string, number>;
  network_errors: Record<string, number>;
  loadgen_latency_ms: { p50: number; p99: number; max: number };
  loadgen_schedule_lag_p99_ms: number | null;
  /** Records Pulse should store for the accepted envelopes (the generator's count). */
  expected_records: LoadSummary['records'];
  lag: LagVerdict & { max: number };
  freshness: FreshnessFigures;
  /** Cores each process used during the phase (1 = one core fully busy). */
  cores: Record<string, number>;
  /** RSS max of each process during the phase (MB). */
  rss_max_mb: Record<string, number>;
  passed?: boolean;
  reasons?: string[];
}

interface Stack {
  options: E2EBenchOptions;
  loadgenScript: string;
  dsns: string[];
  poller: FreshnessPoller;
  lag: LagSampler;
  monitor: ProcessMonitor;
  apps: Map<AppName, AppProcess>;
  /** The load generator running now, killed on failure or Ctrl-C. */
  loadgen?: LoadgenProcess;
  runId: string;
}

async function main(): Promise<number> {
  const options = readE2EOptions();
  const loadgenScript = join('dist', 'scripts', 'bench', 'e2e', 'loadgen-child.js');
  checkPrerequisites(root, [...APPS.map(appMain), loadgenScript]);
  const startedAt = new Date();
  const projects = benchProjects(Array.from({ length: options.projects }, (_, i) => i + 1));
  let token = '';
  const bench = new BenchStack({
    name: 'bench_e2e',
    root,
    kafkaPort: KAFKA_PORT,
    clickhousePort: CLICKHOUSE_PORT,
    partitions: options.partitions,
    writeConfig: (path) => (token = writePulseConfig(path, projects)),
    log,
  });
  let stack: Stack | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await stack?.loadgen?.kill();
      await stack?.poller.stop();
      await stack?.lag.stop();
      await bench.stop();
    })());
  stopOnSignal(log, cleanUp);

  try {
    await bench.start();
    const { monitor, apps, topics, admin } = bench;
    monitor.watch('bench', process.pid);
    const lag = new LagSampler(admin!, topics, bench.groupPrefix);
    lag.start(1000);
    const poller = new FreshnessPoller({ queryUrl: bench.app('query').url, token, minIntervalMs: options.pollIntervalMs, maxInFlight: options.pollInFlight, batch: 1000 });
    poller.start();
    stack = { options, loadgenScript: join(root, loadgenScript), dsns: projects.map((p) => bench.dsn(p)), poller, lag, monitor, apps, runId: bench.database };

    const runStartMs = Date.now();
    const phases: PhaseResult[] = [];
    if (options.warmupSeconds > 0) phases.push(await runPhase(stack, 'warm-up', options.rate, options.warmupSeconds));
    const freshness = await runPhase(stack, 'freshness', options.rate, options.seconds);
    phases.push(freshness);
    const steps: PhaseResult[] = [];
    for (const rate of options.rates) {
      await waitCaughtUp(stack);
      const step = await runPhase(stack, `step ${rate}`, rate, options.stepSeconds);
      const verdict = judgeStep({
        offeredEventsPerS: rate,
        acceptedEventsPerS: step.accepted_events_per_s,
        lag: step.lag,
        freshnessP95Ms: step.freshness.p95Ms,
        samples: step.freshness.samples,
        unseen: step.freshness.unseen,
      });
      step.passed = verdict.passed;
      step.reasons = verdict.reasons;
      steps.push(step);
      log(`  step ${rate}: ${verdict.passed ? 'PASSED' : `FAILED (${verdict.reasons.join('; ')})`}`);
      if (!verdict.passed && !options.allRates) break;
    }
    const runEndMs = Date.now();

    await waitCaughtUp(stack);
    const stored = await bench.storedRows();
    const expected = sumRecords([...phases, ...steps].map((p) => p.expected_records));
    const sustained = sustainedRate(steps.map((s) => ({ offeredEventsPerS: s.offered_events_per_s, passed: s.passed === true })));
    const sustainedStep = steps.find((s) => s.passed === true && s.offered_events_per_s === sustained);
    const memory = Object.fromEntries(APPS.map((app) => [app, monitor.rss(app, runStartMs, runEndMs)])) as Record<AppName, MedianMax>;
    // The costs the sizing starts from: at the highest rate that passed, and at the fixed --rate.
    const componentCosts = { sustained: sustainedStep ? phaseCost(sustainedStep) : null, freshness_rate: phaseCost(freshness) };
    const pollStats = poller.pollStats();
    const result = {
      benchmark: 'e2e',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      sustained_events_per_s: sustained,
      // Every stored row the sustained step's events carried (a transaction brings its spans and Web Vitals).
      sustained_records_per_s: sustainedStep ? round(recordCount(sustainedStep.expected_records) / sustainedStep.seconds, 1) : 0,
      freshness_rate_events_per_s: options.rate,
      freshness_p50_ms: freshness.freshness.p50Ms,
      freshness_p95_ms: freshness.freshness.p95Ms,
      freshness_max_ms: freshness.freshness.maxMs,
      freshness_samples: freshness.freshness.samples,
      freshness_unseen: freshness.freshness.unseen,
      steps,
      memory_mb: { ingest: memory.ingest, consumer: memory.consumer, query: memory.query },
      component_costs: componentCosts,
      targets: {
        sustained_events_per_s: TARGET_SUSTAINED,
        sustained_stretch_events_per_s: STRETCH_SUSTAINED,
        freshness_p95_ms: TARGET_FRESHNESS_P95_MS,
        freshness_rate_events_per_s: DEFAULT_FRESHNESS_RATE,
        node_service_rss_mb: TARGET_RSS_MB,
      },
      criteria: {
        achieved_share_min: MIN_ACHIEVED_SHARE,
        lag_growth_share_max: MAX_LAG_GROWTH_SHARE,
        freshness_p95_ms_max: MAX_FRESHNESS_P95_MS,
        unseen_samples_max: 0,
        text: 'a step passes when the events of 2xx-answered envelopes reach ≥ 97 % of the offered rate, the least-squares slope of the total consumer lag (sum over every partition of every record topic of end offset − committed offset, read from the broker every second) over the second half of the step is ≤ 5 % of the records produced per second in that half, the freshness p95 of its samples is ≤ 5,000 ms, and none of its samples went unseen',
      },
      event_definition: 'one transaction (classic transaction item or streamed segment), one error event, or one session update (a session item or a sessions aggregate item), as @pulse/loadgen counts them; child spans and Web Vitals ride along and are not events',
      phases,
      stored_rows: stored,
      expected_rows: expected,
      freshness_polls: pollStats,
      lag_read_failures: lag.failures,
      options: { ...options, kafka: process.env.KAFKA_BROKERS ? 'external' : `local, port ${KAFKA_PORT}`, clickhouse: process.env.CLICKHOUSE_URL ? 'external' : `local (chdb), port ${CLICKHOUSE_PORT}`, postgres: process.env.DATABASE_URL ? 'external' : 'local', tuning_env: tuningEnv() },
      machine: machine(root),
    };
    printResult(result, [...phases, ...steps], options);
    console.log('');
    printComponentCosts([
      ...(componentCosts.sustained ? [{ label: 'the highest passing step', cost: componentCosts.sustained }] : []),
      { label: 'the freshness rate', cost: componentCosts.freshness_rate },
    ]);
    if (!componentCosts.sustained) console.log('No step passed: no per-component figures at a sustained rate.');
    saveResult(log, root, 'e2e', startedAt, result, options.out);
    return 0;
  } finally {
    await cleanUp();
  }
}

/** One phase: a fresh load generator at `rate` for `seconds`, then its samples' grace period. */
async function runPhase(stack: Stack, phase: string, rate: number, seconds: number): Promise<PhaseResult> {
  const { options, poller, monitor, lag } = stack;
  log(`${phase}: ${rate.toLocaleString('en-US')} events/s for ${seconds} s…`);
  let lastPrinted = 0;
  const forkedAtMs = Date.now();
  const loadgen = new LoadgenProcess(
    stack.loadgenScript,
    {
      dsns: stack.dsns,
      rate,
      durationS: seconds,
      concurrency: options.concurrency,
      seed: options.seed,
      // Fresh ids per phase: no trace id is ever sent twice.
      idSeed: randomBytes(4).readUInt32BE(0),
      samplePercent: options.samplePercent,
    },
    {
      onSample: (sample) => poller.add({ ...sample, phase }),
      onProgress: (progress: LoadProgress) => {
        if (progress.elapsedS - lastPrinted < 10) return;
        lastPrinted = progress.elapsedS;
        const reading = lag.readings[lag.readings.length - 1];
        log(
          `  ${Math.round(progress.elapsedS)} s: ${fmt(progress.eventsPerS)} events/s sent, ${fmt(progress.accepted)} accepted, ${fmt(progress.rejected)} rejected, ` +
            `${fmt(progress.behind)} behind, ${fmt(progress.networkErrors)} network errors, p99 ${fmt(progress.p99Ms)} ms; lag ${reading ? fmt(reading.lag) : '?'}; unseen samples ${poller.pendingOf(phase)}`,
        );
      },
    },
  );
  stack.loadgen = loadgen;
  monitor.watch('loadgen', loadgen.pid);
  const summary = await loadgen.done();
  const endMs = Date.now();
  monitor.unwatch('loadgen');
  stack.loadgen = undefined;
  const startMs = loadgen.startedAtMs ?? forkedAtMs;
  const unseen = await poller.waitSeen(phase, options.graceSeconds * 1000);
  if (unseen > 0) log(`  ${unseen} samples still unseen ${options.graceSeconds} s after the load ended: counted as unseen`);
  poller.giveUp(phase);

  const readings = lag.between(startMs, startMs + seconds * 1000 + 1000);
  const verdict = judgeLag(
    readings.map((r) => ({ atS: (r.atMs - startMs) / 1000, lag: r.lag, produced: r.produced })),
    seconds,
  );
  const cores = Object.fromEntries(WATCHED.map((name) => [name, monitor.cores(name, startMs, endMs)]).filter(([, value]) => Number.isFinite(value)));
  const rssMax = Object.fromEntries(WATCHED.map((name) => [name, monitor.rss(name, startMs, endMs).max]).filter(([, value]) => Number.isFinite(value)));
  const result: PhaseResult = {
    phase,
    offered_events_per_s: rate,
    accepted_events_per_s: summary.rate.acceptedEventsPerS,
    achieved_share: round(summary.rate.acceptedEventsPerS / rate, 3),
    seconds,
    envelopes: summary.envelopes,
    events: summary.events,
    statuses: summary.statuses,
    network_errors: summary.networkErrors,
    loadgen_latency_ms: { p50: summary.latencyMs.p50, p99: summary.latencyMs.p99, max: summary.latencyMs.max },
    loadgen_schedule_lag_p99_ms: summary.scheduleLagMs?.p99 ?? null,
    expected_records: summary.records,
    lag: { ...verdict, slopePerS: round(verdict.slopePerS, 1), producedPerS: round(verdict.producedPerS, 1), growthShare: round(verdict.growthShare, 4), max: Math.max(0, ...readings.map((r) => r.lag)) },
    freshness: poller.figures(phase),
    cores,
    rss_max_mb: rssMax,
  };
  const f = result.freshness;
  log(
    `  accepted ${fmt(result.accepted_events_per_s)} events/s (${(result.achieved_share * 100).toFixed(1)} %), statuses ${JSON.stringify(result.statuses)}, behind ${result.envelopes.behind}; ` +
      `freshness p50 ${fmt(f.p50Ms)} / p95 ${fmt(f.p95Ms)} / max ${fmt(f.maxMs)} ms over ${f.seen} of ${f.samples} samples; lag slope ${fmt(result.lag.slopePerS)} records/s (max ${fmt(result.lag.max)}); cores ${JSON.stringify(cores)}`,
  );
  return result;
}

/** Before a step: the consumer has committed everything produced so far (bounded wait). */
async function waitCaughtUp(stack: Stack): Promise<void> {
  const started = Date.now();
  try {
    await waitUntil('consumer caught up', async () => (await stack.lag.read()).lag === 0, { timeoutMs: CATCH_UP_TIMEOUT_MS, intervalMs: 500 });
    const waited = Date.now() - started;
    if (waited > 2000) log(`  consumer caught up after ${(waited / 1000).toFixed(1)} s`);
  } catch {
    log(`  the consumer did not catch up within ${CATCH_UP_TIMEOUT_MS / 1000} s; going on`);
  }
}


function recordCount(records: LoadSummary['records']): number {
  return records.transactions + records.spans + records.webVitals + records.errors + records.sessions;
}


/** Tuning variables of the apps set in this shell (recorded; the apps inherit them). */

function printResult(
  result: { sustained_events_per_s: number; sustained_records_per_s: number; freshness_p50_ms: number; freshness_p95_ms: number; freshness_max_ms: number; freshness_samples: number; freshness_unseen: number; memory_mb: Record<string, MedianMax>; stored_rows: Record<string, number>; expected_rows: Record<string, number>; freshness_polls: ReturnType<FreshnessPoller['pollStats']> },
  phases: PhaseResult[],
  options: E2EBenchOptions,
): void {
  console.log('');
  console.log('End-to-end benchmark (ingest → Kafka → consumer → ClickHouse → query API, all on this machine)');
  const p95 = result.freshness_p95_ms;
  printRows([
    ['sustained events/s (highest passing step)', `${fmt(result.sustained_events_per_s)}  (target ≥ ${fmt(TARGET_SUSTAINED)}: ${result.sustained_events_per_s >= TARGET_SUSTAINED ? 'met' : 'MISSED'}; stretch ${fmt(STRETCH_SUSTAINED)}: ${result.sustained_events_per_s >= STRETCH_SUSTAINED ? 'met' : 'missed'})`],
    ['stored rows/s at that step (all tables)', fmt(result.sustained_records_per_s)],
    [
      `freshness at ${fmt(options.rate)} events/s, p50 / p95 / max (ms)`,
      `${fmt(result.freshness_p50_ms)} / ${fmt(p95)} / ${fmt(result.freshness_max_ms)}  (target p95 ≤ ${fmt(TARGET_FRESHNESS_P95_MS)} at ${fmt(DEFAULT_FRESHNESS_RATE)} events/s: ${options.rate !== DEFAULT_FRESHNESS_RATE ? 'not measured at that rate' : p95 <= TARGET_FRESHNESS_P95_MS ? 'met' : 'MISSED'})`,
    ],
    ['freshness samples (unseen)', `${fmt(result.freshness_samples)} (${fmt(result.freshness_unseen)})`],
    ...(['ingest', 'consumer', 'query'] as const).map((app): [string, string] => {
      const m = result.memory_mb[app];
      return [`${app} RSS median / max (MB)`, `${fmt(m.median)} / ${fmt(m.max)}  (target ≤ ${TARGET_RSS_MB}: ${m.max <= TARGET_RSS_MB ? 'met' : 'MISSED'})`];
    }),
    ['freshness polls (failed), p50 / p95 ms', `${fmt(result.freshness_polls.polls)} (${fmt(result.freshness_polls.failed)}), ${fmt(result.freshness_polls.p50Ms)} / ${fmt(result.freshness_polls.p95Ms)}`],
  ]);
  console.log('');
  console.log('Phases (offered = open-loop rate; accepted = events of 2xx envelopes per second)');
  printColumns(
    ['phase', 'offered', 'accepted', 'share', 'non-2xx / net err / behind', 'fresh p50', 'fresh p95', 'fresh max', 'unseen', 'lag slope/s', 'lag max', 'result'],
    phases.map((p) => [
      p.phase,
      fmt(p.offered_events_per_s),
      fmt(p.accepted_events_per_s),
      `${(p.achieved_share * 100).toFixed(1)} %`,
      `${p.envelopes.rejected} / ${p.envelopes.networkErrors} / ${p.envelopes.behind}`,
      fmt(p.freshness.p50Ms),
      fmt(p.freshness.p95Ms),
      fmt(p.freshness.maxMs),
      `${p.freshness.unseen}/${p.freshness.samples}`,
      fmt(p.lag.slopePerS),
      fmt(p.lag.max),
      p.passed === undefined ? '' : p.passed ? 'pass' : `FAIL: ${p.reasons!.join('; ')}`,
    ]),
    [false, true, true, true, true, true, true, true, true, true, true, false],
  );
  console.log('');
  console.log('CPU by process during each phase (cores; 2 on this machine) and app RSS max (MB)');
  const names = WATCHED.filter((name) => phases.some((p) => p.cores[name] !== undefined));
  printColumns(
    ['phase', ...names, 'ingest MB', 'consumer MB', 'query MB'],
    phases.map((p) => [p.phase, ...names.map((name) => fmt(p.cores[name] ?? NaN)), fmt(p.rss_max_mb.ingest), fmt(p.rss_max_mb.consumer), fmt(p.rss_max_mb.query)]),
    [false, ...names.map(() => true), true, true, true],
  );
  console.log('');
  console.log('Rows stored vs the generator\'s expected records (whole run)');
  printRows(Object.keys(result.expected_rows).map((table) => [table, `${fmt(result.stored_rows[table] ?? NaN)} stored / ${fmt(result.expected_rows[table])} expected`]));
}

runMain('pulse bench e2e', main);
