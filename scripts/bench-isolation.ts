// Workload isolation benchmark (`npm run bench:isolation -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-isolation.js [--rate 100] [--baseline-seconds 40] [--heavy-seconds 60]
//                                        [--heavy-clients 16] [--probe-interval-ms 250] [--sample-percent 5]
//                                        [--grace-seconds 30] [--seed 42] [--out FILE]
//
// Does one tenant's flood of heavy SQL queries starve the others' reads and ingestion? The whole
// stack on this machine (local Kafka, ClickHouse and PostgreSQL, migrations, the three built apps) under a
// steady ingest load from the load generator (its own process) at --rate events/s, in two phases:
//   1. baseline (--baseline-seconds): the load alone;
//   2. heavy (--heavy-seconds): the load plus --heavy-clients clients of project 1's token, each
//      sending the heavy query (scripts/bench/isolation/clients.ts) back to back, waiting the
//      Retry-After of a 429.
// In both phases: project 2's token sends a simple SQL query one at a time (p50/p95 of its 200s),
// about --sample-percent of the accepted transactions are watched through the SQL API until
// visible (freshness, scripts/bench/e2e/freshness.ts), and every app's /ready is probed once a
// second. The heavy phase's figures are compared with the baseline of the same run; targets: the
// simple query's p95 ≤ 1 s and freshness p95 ≤ 5 s under the heavy load.
//
// Kafka, ClickHouse and PostgreSQL start on free ports under .local/bench-isolation (wiped first)
// unless KAFKA_BROKERS / CLICKHOUSE_URL / DATABASE_URL are set (the run's PostgreSQL database,
// bench_isolation_<hex>, is created there and dropped at the end); everything listens on
// 127.0.0.1 and is stopped at the end, also on failure or Ctrl-C. Results: tables on stdout, JSON
// in bench/results/<timestamp>-isolation.json (or --out).
import { waitUntil } from '@pulse/local-infra';
import type { LoadSummary } from '@pulse/loadgen';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { BENCH_APPS, BenchStack, sumRecords, tuningEnv } from './bench/e2e/bench-stack';
import { FreshnessFigures, FreshnessPoller } from './bench/e2e/freshness';
import { LoadgenProcess } from './bench/e2e/loadgen-process';
import { ClientFigures, HEAVY_SQL, ReadinessProbe, SIMPLE_SQL, SqlLoop } from './bench/isolation/clients';
import { IsolationBenchOptions, readIsolationOptions } from './bench/isolation/options';
import { IsolationTenants, writeIsolationConfig } from './bench/isolation/tenants';
import { appMain, checkPrerequisites } from './bench/preflight';
import { machine, saveResult } from './bench/report';
import { runMain } from './bench/run-main';
import { round } from './bench/stats';
import { stopOnSignal } from './bench/stop-on-signal';
import { formatNumber as fmt, printColumns, printRows } from './bench/table';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench isolation: ${line}`);
const WATCHED = ['ingest', 'consumer', 'query', 'loadgen', 'kafka', 'clickhouse'] as const;
const TARGET_SIMPLE_P95_MS = 1000;
const TARGET_FRESHNESS_P95_MS = 5000;

interface PhaseResult {
  phase: 'baseline' | 'heavy';
  seconds: number;
  accepted_events_per_s: number;
  ingest_statuses: Record<string, number>;
  simple_query: ClientFigures;
  freshness: FreshnessFigures;
  heavy_queries: ClientFigures | null;
  ready_statuses: Record<string, Record<string, number>>;
  cores: Record<string, number>;
  expected_records: LoadSummary['records'];
}

interface Run {
  options: IsolationBenchOptions;
  tenants: IsolationTenants;
  loadgenScript: string;
  dsns: string[];
  stack: BenchStack;
  poller: FreshnessPoller;
  loadgen?: LoadgenProcess;
  heavy?: SqlLoop;
}

async function main(): Promise<number> {
  const options = readIsolationOptions();
  const loadgenScript = join('dist', 'scripts', 'bench', 'e2e', 'loadgen-child.js');
  checkPrerequisites(root, [...BENCH_APPS.map(appMain), loadgenScript]);
  const startedAt = new Date();
  let tenants: IsolationTenants | undefined;
  const stack = new BenchStack({ name: 'bench_isolation', root, partitions: 4, writeConfig: (path) => (tenants = writeIsolationConfig(path)), log });
  let run: Run | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await run?.loadgen?.kill();
      await run?.heavy?.stop();
      await run?.poller.stop();
      await stack.stop();
    })());
  stopOnSignal(log, cleanUp);

  try {
    await stack.start();
    if (!tenants) throw new Error('the isolation config was not written');
    const poller = new FreshnessPoller({ queryUrl: stack.app('query').url, token: tenants.pollToken, minIntervalMs: 250, maxInFlight: 2, batch: 1000 });
    poller.start();
    run = { options, tenants, loadgenScript: join(root, loadgenScript), dsns: tenants.projects.map((p) => stack.dsn(p)), stack, poller };

    const baseline = await runPhase(run, 'baseline', options.baselineSeconds);
    const heavy = await runPhase(run, 'heavy', options.heavySeconds);
    const expected = sumRecords([baseline.expected_records, heavy.expected_records]);
    // The consumer may still be inserting the last batches: wait (bounded) until every row is in.
    let stored: Record<string, number> = {};
    await waitUntil(
      'every expected row stored',
      async () => {
        stored = await stack.storedRows();
        return Object.entries(expected).every(([table, rows]) => (stored[table] ?? 0) >= rows);
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    ).catch(() => log('  not every expected row was stored within 60 s; the counts below say how many'));
    const ratio = (a: number, b: number): number => round(a / b, 2);
    const result = {
      benchmark: 'isolation',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      heavy_sql: HEAVY_SQL,
      simple_sql: SIMPLE_SQL,
      simple_query_p50_ms: { baseline: baseline.simple_query.p50Ms, heavy: heavy.simple_query.p50Ms, ratio: ratio(heavy.simple_query.p50Ms, baseline.simple_query.p50Ms) },
      simple_query_p95_ms: { baseline: baseline.simple_query.p95Ms, heavy: heavy.simple_query.p95Ms, ratio: ratio(heavy.simple_query.p95Ms, baseline.simple_query.p95Ms) },
      freshness_p50_ms: { baseline: baseline.freshness.p50Ms, heavy: heavy.freshness.p50Ms, ratio: ratio(heavy.freshness.p50Ms, baseline.freshness.p50Ms) },
      freshness_p95_ms: { baseline: baseline.freshness.p95Ms, heavy: heavy.freshness.p95Ms, ratio: ratio(heavy.freshness.p95Ms, baseline.freshness.p95Ms) },
      targets: [
        { what: 'simple query p95 under the heavy load (ms)', target: TARGET_SIMPLE_P95_MS, measured: heavy.simple_query.p95Ms, met: heavy.simple_query.p95Ms <= TARGET_SIMPLE_P95_MS },
        { what: 'freshness p95 under the heavy load (ms)', target: TARGET_FRESHNESS_P95_MS, measured: heavy.freshness.p95Ms, met: heavy.freshness.p95Ms <= TARGET_FRESHNESS_P95_MS },
      ],
      phases: [baseline, heavy],
      stored_rows: stored,
      expected_rows: expected,
      freshness_polls: poller.pollStats(),
      options: { ...options, kafka: process.env.KAFKA_BROKERS ? 'external' : 'local', clickhouse: process.env.CLICKHOUSE_URL ? 'external' : 'local (chdb)', postgres: process.env.DATABASE_URL ? 'external' : 'local', tuning_env: tuningEnv() },
      machine: machine(root),
    };
    printResult(result, [baseline, heavy]);
    saveResult(log, root, 'isolation', startedAt, result, options.out);
    return 0;
  } finally {
    await cleanUp();
  }
}

/** One phase: a fresh load generator for `seconds`, the simple query and the probes, and in the heavy phase the heavy clients. */
async function runPhase(run: Run, phase: 'baseline' | 'heavy', seconds: number): Promise<PhaseResult> {
  const { options, tenants, poller, stack } = run;
  const { monitor } = stack;
  log(`${phase}: ${fmt(options.rate)} events/s for ${seconds} s${phase === 'heavy' ? `, ${options.heavyClients} heavy query clients on project 1's token` : ''}…`);
  const queryUrl = stack.app('query').url;
  const startMs = Date.now();
  run.loadgen = new LoadgenProcess(
    run.loadgenScript,
    { dsns: run.dsns, rate: options.rate, durationS: seconds, concurrency: 64, seed: options.seed, idSeed: randomBytes(4).readUInt32BE(0), samplePercent: options.samplePercent },
    { onSample: (sample) => poller.add({ ...sample, phase }) },
  );
  monitor.watch('loadgen', run.loadgen.pid);
  const ready = new ReadinessProbe(Object.fromEntries(BENCH_APPS.map((app) => [app, stack.app(app).url]))).start();
  const simple = new SqlLoop({ queryUrl, projectId: 2, token: tenants.probeToken }, SIMPLE_SQL, { clients: 1, pauseMs: options.probeIntervalMs, timeoutMs: 120_000 }).start();
  if (phase === 'heavy') {
    run.heavy = new SqlLoop({ queryUrl, projectId: 1, token: tenants.heavyToken }, HEAVY_SQL, { clients: options.heavyClients, pauseMs: 0, timeoutMs: 120_000 }).start();
  }
  const summary = await run.loadgen.done();
  const endMs = Date.now();
  monitor.unwatch('loadgen');
  run.loadgen = undefined;
  // The heavy clients stop sending; queries in flight run to their time cap, still measured.
  const heavyFigures = run.heavy ? await run.heavy.stop() : null;
  run.heavy = undefined;
  const simpleFigures = await simple.stop();
  const readyStatuses = await ready.stop();
  const unseen = await poller.waitSeen(phase, options.graceSeconds * 1000);
  if (unseen > 0) log(`  ${unseen} samples still unseen ${options.graceSeconds} s after the load ended: counted as unseen`);
  poller.giveUp(phase);
  const cores = Object.fromEntries(WATCHED.map((name) => [name, monitor.cores(name, startMs, endMs)]).filter(([, value]) => Number.isFinite(value)));
  const result: PhaseResult = {
    phase,
    seconds,
    accepted_events_per_s: summary.rate.acceptedEventsPerS,
    ingest_statuses: summary.statuses,
    simple_query: simpleFigures,
    freshness: poller.figures(phase),
    heavy_queries: heavyFigures,
    ready_statuses: readyStatuses,
    cores,
    expected_records: summary.records,
  };
  log(
    `  simple query p50 ${fmt(simpleFigures.p50Ms)} / p95 ${fmt(simpleFigures.p95Ms)} ms ${JSON.stringify(simpleFigures.statuses)}; ` +
      `freshness p50 ${fmt(result.freshness.p50Ms)} / p95 ${fmt(result.freshness.p95Ms)} ms (${result.freshness.unseen} of ${result.freshness.samples} unseen)` +
      (heavyFigures ? `; heavy queries ${JSON.stringify(heavyFigures.statuses)}` : ''),
  );
  return result;
}



/** Tuning variables of the apps set in this shell (recorded; the apps inherit them). */

function printResult(
  result: { targets: Array<{ what: string; target: number; measured: number; met: boolean }>; stored_rows: Record<string, number>; expected_rows: Record<string, number> } & Record<
    'simple_query_p50_ms' | 'simple_query_p95_ms' | 'freshness_p50_ms' | 'freshness_p95_ms',
    { baseline: number; heavy: number; ratio: number }
  >,
  phases: PhaseResult[],
): void {
  console.log('');
  console.log('Workload isolation: one token\'s heavy SQL queries against another project\'s reads and ingestion');
  printColumns(
    ['figure', 'baseline', 'heavy load', 'ratio'],
    (['simple_query_p50_ms', 'simple_query_p95_ms', 'freshness_p50_ms', 'freshness_p95_ms'] as const).map((key) => [
      key.replace(/_/g, ' '),
      fmt(result[key].baseline),
      fmt(result[key].heavy),
      Number.isFinite(result[key].ratio) ? result[key].ratio.toFixed(2) : 'n/a',
    ]),
    [false, true, true, true],
  );
  console.log('');
  printRows(result.targets.map((t) => [t.what, `${fmt(t.measured)}  (target ≤ ${fmt(t.target)}: ${t.met ? 'met' : 'MISSED'})`]));
  console.log('');
  console.log('Phases');
  printColumns(
    ['phase', 'accepted ev/s', 'simple statuses', 'heavy statuses', 'unseen', '/ready not 200', 'cores (query / clickhouse / consumer)'],
    phases.map((p) => [
      p.phase,
      fmt(p.accepted_events_per_s),
      JSON.stringify(p.simple_query.statuses),
      p.heavy_queries ? JSON.stringify(p.heavy_queries.statuses) : '',
      `${p.freshness.unseen}/${p.freshness.samples}`,
      JSON.stringify(Object.fromEntries(Object.entries(p.ready_statuses).map(([app, statuses]) => [app, Object.entries(statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0)]))),
      ['query', 'clickhouse', 'consumer'].map((name) => fmt(p.cores[name] ?? NaN)).join(' / '),
    ]),
    [false, true, false, false, true, false, false],
  );
  console.log('');
  console.log('Rows stored vs the generator\'s expected records (whole run)');
  printRows(Object.keys(result.expected_rows).map((table) => [table, `${fmt(result.stored_rows[table] ?? NaN)} stored / ${fmt(result.expected_rows[table])} expected`]));
}

runMain('pulse bench isolation', main);
