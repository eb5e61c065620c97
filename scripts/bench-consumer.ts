// Consumer throughput and memory benchmark (`npm run bench:consumer -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-consumer.js [--rows 1000000] [--batch-rows 20000] [--partitions 4] [--repeat 1]
//                                       [--soak-seconds 0] [--rate 5000] [--seed 42] [--cpu-prof-dir DIR]
//                                       [--consumer-node-options=--max-old-space-size=512] [--out FILE]
//                                       [--records-per-request 1] [--message-schema 2] [--baseline-rows N]
//                                       [--consumer-root DIR] [--compare-root DIR] [--projects 1,2,3]
//
// Backlog mode (default): N generated transactions are produced to a fresh topic before any consumer
// runs, as ingest writes them: schema 2, one message per request of --records-per-request
// transactions (1: an SDK sends one transaction per envelope). The Kafka key is the project id, as
// in ingest; the projects are picked so that murmur2 spreads them evenly over every partition (2
// per partition: ids 1,2,3,… skipping those that land on a full partition), as many projects of a
// real deployment do (--projects overrides the list; before 2026-12-07 it was 1,2,3: 2 of 4 partitions). --message-schema 1 writes one
// message per record, for a consumer built before schema 2 (--consumer-root: the repository root
// of another build, whose dist/apps/consumer is started instead of this one's; --compare-root: a
// second build whose consumer drains the same backlog in every repetition too, for A/B numbers
// from one run; both must read the --message-schema).
// Then (a) the built consumer app drains the backlog into a fresh database with a fresh consumer
// group, from the moment it is ready until its group has committed everything, and (b) a baseline
// inserts the same rows straight into another freshly migrated database with @clickhouse/client
// (JSONEachRow, sequential inserts on one connection under unique deduplication tokens) in batches of the consumer's
// mean insert (rows inserted / inserts of its first run) unless --baseline-rows is given; repeats
// alternate the order. The consumer's RSS is sampled every 500 ms from /proc/<pid>/status and its
// CPU time (user + system) read from /proc/<pid>/stat when it is ready and when it has caught up.
//
// Soak mode (--soak-seconds S): the consumer starts on an empty topic, records are produced at
// --rate rows/s for S seconds while it runs, and the same RSS figures are reported over the soak,
// with the lag left when production stops and the time to drain it. No baseline.
//
// Local Kafka and ClickHouse are started under .local/bench (wiped first) on ports 29092 / 28123
// unless KAFKA_BROKERS and CLICKHOUSE_URL are set, and PostgreSQL on a free port unless
// DATABASE_URL is set; whatever was started is stopped at the end. Every consumer of the run
// records issues in one migrated PostgreSQL database of the run's own (bench_<hex>, dropped at the
// end; the backlog holds transactions only, so it stays empty but reachable, as the consumer needs).
// Results: a table on stdout and JSON in bench/results/<timestamp>-consumer.json.
//
// The phases live in scripts/bench/consumer/: backlog.ts (production), consumer-run.ts (the
// consumer app draining it), baseline.ts (the direct inserts), soak.ts, and the tables in
// result-table.ts; this file reads the flags, runs the phases in order and writes the result.
import { loadIngestConfig } from '@pulse/config';
import { createKafka } from '@pulse/kafka';
import { AppProcess, bringUpInfra, Infra, tearDownInfra } from '@pulse/local-infra';
import { RecordKind } from '@pulse/model';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRunDatabase, RunDatabase } from './bench/bench-postgres';
import { installCpuProfileHook } from './bench/cpu-profile';
import { stopOnSignal } from './bench/stop-on-signal';
import { numberFlag } from './bench/flags';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';
import { machine, saveResult } from './bench/report';
import { backlogSummary, representativeRun } from './bench/consumer/backlog-summary';
import { produceBacklog } from './bench/consumer/backlog';
import { BaselineRun, runBaseline } from './bench/consumer/baseline';
import { Bench, ConsumerBenchOptions, createTopics, log, RETENTION_DAYS, SEND_MESSAGES } from './bench/consumer/bench-context';
import { ConsumerRun, runConsumer } from './bench/consumer/consumer-run';
import { projectsCovering } from './bench/consumer/projects';
import { printBacklogTable, printSoakTable } from './bench/consumer/result-table';
import { runSoak } from './bench/consumer/soak';

const root = resolve(__dirname, '..', '..');

function readOptions(): ConsumerBenchOptions {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'batch-rows': { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '4' },
      repeat: { type: 'string', default: '1' },
      'soak-seconds': { type: 'string', default: '0' },
      rate: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '42' },
      'cpu-prof-dir': { type: 'string' },
      'consumer-node-options': { type: 'string' },
      out: { type: 'string' },
      'records-per-request': { type: 'string', default: '1' },
      'message-schema': { type: 'string', default: '2' },
      'baseline-rows': { type: 'string' },
      'consumer-root': { type: 'string' },
      'compare-root': { type: 'string' },
      projects: { type: 'string' },
    },
  });
  const int = (name: keyof typeof values, min: number, max: number): number => numberFlag(name, String(values[name]), min, max);
  const partitions = int('partitions', 1, 1024);
  return {
    projects: values.projects ? values.projects.split(',').map((id) => numberFlag('projects', id, 1, 2 ** 31 - 1)) : projectsCovering(partitions),
    rows: int('rows', 1, 100_000_000),
    batchRows: int('batch-rows', 1, 1_000_000),
    partitions,
    repeat: int('repeat', 1, 100),
    soakSeconds: int('soak-seconds', 0, 7 * 24 * 3600),
    rate: int('rate', 1, 10_000_000),
    seed: int('seed', 0, 2 ** 31 - 1),
    cpuProfDir: values['cpu-prof-dir'] ? resolve(values['cpu-prof-dir']) : undefined,
    consumerNodeOptions: values['consumer-node-options'] || undefined,
    out: values.out ? resolve(values.out) : undefined,
    message: { schema: int('message-schema', 1, 2) as 1 | 2, recordsPerRequest: int('records-per-request', 1, 10_000) },
    baselineRows: values['baseline-rows'] ? int('baseline-rows', 1, 1_000_000) : undefined,
    consumerRoot: values['consumer-root'] ? resolve(values['consumer-root']) : root,
    compareRoot: values['compare-root'] ? resolve(values['compare-root']) : undefined,
  };
}

async function runBacklog(bench: Bench): Promise<Record<string, unknown>> {
  const { options } = bench;
  const topics = await createTopics(bench, `bench_${bench.runId}.`);
  log(`producing ${options.rows.toLocaleString('en-US')} transactions to ${topics.names.records[RecordKind.Transaction]} (${options.partitions} partitions, compression ${bench.compression}, acks=-1, ${SEND_MESSAGES} per send)…`);
  const { production, kept } = await produceBacklog(bench, topics);
  log(`  produced in ${production.seconds} s (${production.rowsPerSecond.toLocaleString('en-US')} rows/s); messages per partition ${JSON.stringify(production.messagesPerPartition)}`);

  const baselines: BaselineRun[] = [];
  const consumers: ConsumerRun[] = [];
  const compared: ConsumerRun[] = [];
  let baselineRows = options.baselineRows;
  for (let repetition = 0; repetition < options.repeat; repetition++) {
    // The first repetition runs the consumer first (its mean insert sizes the baseline's); later ones
    // rotate, so no phase always runs on a warmer (or fuller) ClickHouse.
    const phases = options.compareRoot ? (['consumer', 'compare', 'baseline'] as const) : (['consumer', 'baseline'] as const);
    const order = [...phases.slice(repetition % phases.length), ...phases.slice(0, repetition % phases.length)];
    for (const phase of order) {
      const label = `${phase} ${repetition + 1}/${options.repeat}`;
      if (phase === 'baseline') {
        const batchRows = baselineRows ?? options.batchRows;
        log(`${label}: direct inserts (JSONEachRow) of ${batchRows.toLocaleString('en-US')} rows…`);
        const run = await runBaseline(bench, repetition, kept, batchRows);
        baselines.push(run);
        log(`  ${run.rowsPerSecond.toLocaleString('en-US')} rows/s (${run.inserts} inserts, ${run.insertSeconds} s, mean ${run.meanInsertMs} ms; decode + map ${run.prepareSeconds} s more)`);
      } else {
        log(`${label}: consumer app (${phase === 'compare' ? options.compareRoot : options.consumerRoot}) draining the backlog…`);
        const run = await runConsumer(bench, topics, repetition, phase);
        (phase === 'compare' ? compared : consumers).push(run);
        if (phase === 'consumer') baselineRows ??= run.metrics.rowsPerInsert;
        log(
          `  ${run.rowsPerSecond.toLocaleString('en-US')} rows/s (${run.elapsedSeconds} s after ready; start-up ${run.startupSeconds} s, ` +
            `${run.committedAtReady} committed at ready), ${run.cpuMsPer1000Rows} CPU-ms per 1,000 rows, RSS p50 ${run.rss.p50Mb} MB max ${run.rss.maxMb} MB`,
        );
      }
    }
  }

  const summary = backlogSummary(options, baselines, consumers, compared);
  printBacklogTable(summary, production, representativeRun(consumers).cpuProfile);
  return { mode: 'backlog', summary, production, baselines, consumers, compared };
}

async function runSoakMode(bench: Bench): Promise<Record<string, unknown>> {
  const { options } = bench;
  log(`soak: consumer on an empty topic, then ${options.rate.toLocaleString('en-US')} rows/s for ${options.soakSeconds} s…`);
  const soak = await runSoak(bench);
  printSoakTable(options, soak);
  return { mode: 'soak', soak };
}

/** The bench sets these itself for every consumer it starts. */
const SET_BY_BENCH = new Set(['CONSUMER_PORT', 'CONSUMER_GROUP_ID', 'CONSUMER_MAX_BATCH_ROWS']);

/** CONSUMER_* variables of this shell, which the consumer inherits (tuning under test). */
function consumerEnvOverrides(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('CONSUMER_') && !SET_BY_BENCH.has(entry[0]) && entry[1] !== undefined),
  );
}

async function main(): Promise<number> {
  const options = readOptions();
  checkPrerequisites(options.consumerRoot, [appMain('consumer')]);
  if (options.compareRoot) checkPrerequisites(options.compareRoot, [appMain('consumer')]);
  const startedAt = new Date();
  const stateDir = join(root, '.local', 'bench');
  // Every benchmark starts from an empty broker and engine.
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const infraStarted = performance.now();
  const infra: Infra = await bringUpInfra({
    stateDir,
    kafkaPort: 29092,
    clickhousePort: 28123,
    externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    externalClickHouseUrl: process.env.CLICKHOUSE_URL || undefined,
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    log,
  });
  const overrides = consumerEnvOverrides();
  if (Object.keys(overrides).length > 0) log(`consumer tuning from the environment: ${JSON.stringify(overrides)}`);
  log(`infrastructure ready in ${((performance.now() - infraStarted) / 1000).toFixed(1)} s`);
  const apps = new Set<AppProcess>();
  const runId = randomBytes(4).toString('hex');
  let postgres: RunDatabase | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await Promise.allSettled([...apps].map((app) => app.stop()));
      await postgres?.drop().catch((error: unknown) => log(`could not drop PostgreSQL database bench_${runId}: ${String(error)}`));
      await tearDownInfra(infra.started);
    })());
  stopOnSignal(log, cleanUp);

  const kafka = createKafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'pulse-bench' });
  try {
    postgres = await createRunDatabase(infra.databaseUrl, `bench_${runId}`, { migrate: true, log });
    const configPath = join(stateDir, 'pulse-config.json');
    writePulseConfig(configPath, benchProjects(options.projects));
    const bench: Bench = {
      options,
      runId,
      stateDir,
      kafkaBrokers: infra.kafkaBrokers,
      clickhouse: {
        url: infra.clickhouseUrl,
        database: 'default',
        user: infra.clickhouseCredentials?.user ?? (process.env.CLICKHOUSE_USER || 'default'),
        password: infra.clickhouseCredentials?.password ?? process.env.CLICKHOUSE_PASSWORD ?? '',
      },
      databaseUrl: postgres.url,
      kafka,
      nowMs: Date.now(),
      configPath,
      apps,
      compression: loadIngestConfig(process.env).producerCompression,
    };
    if (options.cpuProfDir) {
      if (options.soakSeconds > 0) throw new Error('--cpu-prof-dir profiles the backlog run; it is not supported with --soak-seconds');
      mkdirSync(options.cpuProfDir, { recursive: true });
      bench.profiler = installCpuProfileHook(stateDir, 'consumer', options.cpuProfDir);
      log(`consumer CPU profiles (ready → caught up) go to ${options.cpuProfDir}`);
    }
    const outcome = options.soakSeconds > 0 ? await runSoakMode(bench) : await runBacklog(bench);
    const result = {
      benchmark: 'consumer',
      startedAt: startedAt.toISOString(),
      options: { ...options, sendMessages: SEND_MESSAGES, retentionDays: RETENTION_DAYS, consumerEnv: consumerEnvOverrides() },
      infra: { kafka: process.env.KAFKA_BROKERS ? 'external' : 'local', clickhouse: process.env.CLICKHOUSE_URL ? 'external' : 'local (chdb)', postgres: process.env.DATABASE_URL ? 'external' : 'local' },
      machine: machine(root),
      ...outcome,
    };
    saveResult(log, root, 'consumer', startedAt, result, options.out);
    return 0;
  } finally {
    await cleanUp();
  }
}

runMain('pulse bench consumer', main);
