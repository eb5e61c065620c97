// Query latency benchmark (`npm run bench:queries -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-queries.js [--rows 1000000,10000000] [--iterations 30] [--keep] [--seed 42] [--profile-over-ms 200] [--out FILE]
//     [--extrapolate 100000000]
//
// Fills a freshly migrated database through the consumer's row mappers and writer to each --rows
// count of stored transactions in turn (with errors, web vitals, sessions and spans in proportion,
// 7 days, 3 projects), then starts the built query app against it and measures the headline
// endpoints over HTTP for project 1 over the last 30 minutes, 24 hours and the whole week. Each
// request is followed by the same aggregates run straight on the raw tables (the baseline), so the
// ratio of the two means something on a noisy machine. The app's RSS is sampled throughout; cases
// slower than --profile-over-ms at p95 are answered again through a recording proxy that shows
// which tables they read and how many rows.
//
// A local ClickHouse runs under .local/bench-queries on port 28124 unless CLICKHOUSE_URL is set,
// and a local PostgreSQL (the query app serves issues from it; its /ready checks it) on a free port
// under .local/bench-queries/postgres, started empty and stopped and removed at the end, unless
// DATABASE_URL is set; either way the app gets a migrated database of the run's own
// (bench_queries_<hex>; on DATABASE_URL's server it is dropped at the end, also with --keep).
// Without --keep its state is wiped before and after the run (one database, topped up from one
// --rows count to the next). With --keep each --rows count has its own database
// (bench_queries_<rows>), kept for the next run and reused when it holds that count.
// With --extrapolate N the headline endpoints are also fitted over the --rows steps and predicted at
// N stored transactions (scripts/bench/extrapolate.ts: method and why two fits).
// Results: a table on stdout and JSON in bench/results/<timestamp>-queries.json.
import type { AppProcess } from '@pulse/local-infra';
import { LocalClickHouse } from '@pulse/local-infra';
import type { ClickHouseConnection } from '@pulse/storage';
import { GENERATOR_VERSION } from '@pulse/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BenchDatabase, dropDatabase } from './bench/bench-database';
import { BenchPostgres } from './bench/bench-postgres';
import { DAYS, PER_TRANSACTION, PROJECTS, RELEASES, TRANSACTION_NAMES } from './bench/dataset-shape';
import { EXTRAPOLATION_METHOD, extrapolate, ExtrapolatedFigure } from './bench/extrapolate';
import { fillTo, FillStep } from './bench/fill';
import { CHUNK_TRANSACTIONS } from './bench/fill-plan';
import { MergeState, waitForMerges } from './bench/merges';
import { BenchOptions, readOptions } from './bench/options';
import type { CaseProfile } from './bench/profile';
import { benchProjects, writePulseConfig } from './bench/pulse-config';
import { measureStep, StepResult } from './bench/query-step';
import { machine, NotMeasured, printNotMeasured, printProfiles, printQueryTable, QueryFigure, saveResult } from './bench/report';
import { stopOnSignal } from './bench/stop-on-signal';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench: ${line}`);

const CLICKHOUSE_PORT = 28124;
const MERGE_SETTLE_TIMEOUT_MS = 10 * 60_000;

interface Step {
  rows: number;
  fill: FillStep;
  merges: MergeState;
  result: StepResult;
}

/** The database of a step: one topped-up database per run, or one kept database per row count. */
function databaseName(options: BenchOptions, rows: number, external: boolean, runId: string): string {
  if (options.keep) return `bench_queries_${rows}`;
  return external ? `bench_queries_${runId}` : 'bench_queries';
}

async function runSteps(
  options: BenchOptions,
  connection: Omit<ClickHouseConnection, 'database'>,
  external: boolean,
  stateDir: string,
  databaseUrl: string,
  apps: Set<AppProcess>,
): Promise<Step[]> {
  const runId = randomBytes(4).toString('hex');
  const configPath = join(stateDir, 'pulse-config.json');
  const token = writePulseConfig(configPath, benchProjects(PROJECTS));
  const maxPoints = Number(process.env.QUERY_MAX_POINTS || 1000);
  const steps: Step[] = [];
  let shared: BenchDatabase | undefined;
  try {
    for (const rows of options.rows) {
      const name = databaseName(options, rows, external, runId);
      const db = options.keep || !shared ? await BenchDatabase.open({ ...connection, database: name }, options.seed, options.keep, log) : shared;
      if (!options.keep) shared = db;
      try {
        log(`step ${rows.toLocaleString('en-US')} transactions: database ${name}`);
        const fill = await fillTo(db, rows, log);
        if (fill.decision === 'reuse') log('  the database already holds them: reused');
        else log(`  filled ${fill.rows.toLocaleString('en-US')} rows in ${fill.seconds} s: ${fill.rowsPerSecond.toLocaleString('en-US')} rows/s (${fill.transactionsPerSecond.toLocaleString('en-US')} transactions/s)`);
        const merges = await waitForMerges(db, MERGE_SETTLE_TIMEOUT_MS);
        log(`  merges ${merges.settled ? 'settled' : 'still running'} after ${merges.settleSeconds} s; active parts ${JSON.stringify(merges.activePartsByTable)}`);
        const result = await measureStep(db, rows, { root, databaseUrl, configPath, token, iterations: options.iterations, profileOverMs: options.profileOverMs, maxPoints, apps, log });
        steps.push({ rows, fill, merges, result });
      } finally {
        if (options.keep) await db.close();
      }
    }
  } finally {
    if (shared) {
      await shared.close();
      if (external) await dropDatabase(shared.connection);
    }
  }
  return steps;
}

function report(options: BenchOptions, steps: Step[], startedAt: Date, external: boolean, postgres: BenchPostgres['kind']): void {
  const figures: QueryFigure[] = steps.flatMap((step) => step.result.figures);
  const notMeasured: NotMeasured[] = steps.flatMap((step) => step.result.notMeasured);
  const profiles: Array<CaseProfile & { stored_rows: number }> = steps.flatMap((step) => step.result.profiles.map((profile) => ({ ...profile, stored_rows: step.rows })));
  console.log('');
  console.log(`Query latency (project 1 of 3, ${options.iterations} sequential requests per case after 3 warm-ups; baseline = the same aggregates on the raw tables)`);
  printQueryTable(figures);
  if (notMeasured.length > 0) {
    console.log('');
    console.log('Not measured:');
    printNotMeasured(notMeasured);
  }
  for (const step of steps) {
    const { fill, result } = step;
    console.log('');
    console.log(`${step.rows.toLocaleString('en-US')} transactions: fill ${fill.decision}` + (fill.chunks > 0 ? `, ${fill.rows.toLocaleString('en-US')} rows in ${fill.seconds} s = ${fill.rowsPerSecond.toLocaleString('en-US')} rows/s` : ''));
    console.log(`  stored rows: ${JSON.stringify(fill.storedByTable)}`);
    console.log(`  query app RSS: idle ${result.rssMb.idleMb} MB, median ${result.rssMb.p50Mb} MB, max ${result.rssMb.maxMb} MB (${result.rssMb.samples} samples, every 250 ms)`);
  }
  const extrapolated = options.extrapolate === undefined ? [] : extrapolate(figures, options.extrapolate);
  if (extrapolated.length > 0) printExtrapolated(extrapolated);
  if (profiles.length > 0) {
    console.log('');
    console.log(`Profiles of the cases over ${options.profileOverMs} ms at p95 (rows and bytes read as ClickHouse reports them):`);
    printProfiles(profiles);
  }
  const result = {
    benchmark: 'queries',
    startedAt: startedAt.toISOString(),
    options,
    infra: { clickhouse: external ? 'external' : 'local (chdb)', postgres },
    machine: machine(root),
    dataset: {
      generatorVersion: GENERATOR_VERSION,
      days: DAYS,
      projects: PROJECTS,
      releases: RELEASES,
      transactionNames: TRANSACTION_NAMES.length,
      perTransaction: PER_TRANSACTION,
      chunkTransactions: CHUNK_TRANSACTIONS,
    },
    queries: figures,
    not_measured: notMeasured,
    memory_mb: { query: Math.max(...steps.map((step) => step.result.rssMb.maxMb)), by_step: steps.map((step) => ({ stored_rows: step.rows, ...step.result.rssMb })) },
    fill: { steps: steps.map((step) => ({ stored_rows: step.rows, ...step.fill, merges: step.merges })) },
    profiles,
    // Apart from `queries`, which holds measured figures only (the suite takes its largest stored count).
    ...(options.extrapolate === undefined ? {} : { extrapolated }),
  };
  saveResult(log, root, 'queries', startedAt, result, options.out);
}

function printExtrapolated(extrapolated: ExtrapolatedFigure[]): void {
  console.log('');
  console.log(`Extrapolated (not measured): ${EXTRAPOLATION_METHOD}`);
  for (const e of extrapolated) {
    const measured = e.measured.map((m) => `${(m.stored_rows / 1e6).toLocaleString('en-US')}M ${m.p95_ms}`).join(', ');
    console.log(
      `  ${e.name} ${e.range} at ${(e.stored_rows / 1e6).toLocaleString('en-US')}M: p50 ${e.p50_ms} ms, p95 ${e.p95_ms} ms ` +
        `(log-linear ${e.p95_ms_log_linear}, power law ${e.p95_ms_power_law}; measured p95 ${measured})` +
        (e.fit_falls ? ' — a fit falls with the rows (noise between steps): at least the largest step' : ''),
    );
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  checkPrerequisites(root, [appMain('query')]);
  const startedAt = new Date();
  const stateDir = join(root, '.local', 'bench-queries');
  const externalUrl = process.env.CLICKHOUSE_URL || undefined;
  if (!options.keep) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const clickhouse = externalUrl ? undefined : new LocalClickHouse({ port: CLICKHOUSE_PORT, dataDir: join(stateDir, 'clickhouse', 'data') });
  const startedClickHouse = clickhouse ? !(await clickhouse.isRunning()) : false;
  if (clickhouse) {
    await clickhouse.start();
    log(`ClickHouse ${startedClickHouse ? 'started' : 'already running'} at ${clickhouse.endpoint}`);
  }
  const connection = {
    url: externalUrl ?? clickhouse!.endpoint,
    user: externalUrl ? process.env.CLICKHOUSE_USER || 'default' : 'default',
    password: externalUrl ? (process.env.CLICKHOUSE_PASSWORD ?? '') : '',
  };
  const apps = new Set<AppProcess>();
  const postgres = new BenchPostgres(stateDir);
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await Promise.allSettled([...apps].map((app) => app.stop()));
      await postgres.stop().catch((error: unknown) => log(`could not stop PostgreSQL or drop its database: ${String(error)}`));
      if (clickhouse && startedClickHouse) await clickhouse.stop();
      // Without --keep nothing of the run stays on disk (10M transactions take a few GB).
      if (!options.keep && !externalUrl) rmSync(stateDir, { recursive: true, force: true });
    })());
  stopOnSignal(log, cleanUp);
  try {
    const databaseUrl = await postgres.start(`bench_queries_${randomBytes(4).toString('hex')}`, log);
    const steps = await runSteps(options, connection, externalUrl !== undefined, stateDir, databaseUrl, apps);
    report(options, steps, startedAt, externalUrl !== undefined, postgres.kind);
    return 0;
  } finally {
    await cleanUp();
  }
}

runMain('pulse bench queries', main);
