// The built consumer app as the benchmark runs it: started on its own ClickHouse database and
// consumer group (the run's PostgreSQL database is shared: migrated once, and a backlog of
// transactions makes no issues), watched until its group has committed everything, asked for a
// CPU profile, and stopped.
import { RecordKind } from '@pulse/model';
import { AppProcess, freePorts, StopWaiting, waitUntil } from '@pulse/local-infra';
import { migrateUp } from '@pulse/storage';
import { ConsumerProgress } from '@pulse/testing';
import { CpuProfileSummary, profilesOf, summarizeCpuProfile } from '../cpu-profile';
import { round } from '../stats';
import { Bench, BenchTopics, log, RETENTION_DAYS } from './bench-context';

const PROGRESS_INTERVAL_MS = 200;

/** Starts the built consumer app on its own database and group; resolves once it is ready. */
export async function startConsumer(
  bench: Bench,
  name: string,
  topics: BenchTopics,
  database: string,
  groupId: string,
  consumerRoot = bench.options.consumerRoot,
): Promise<{ app: AppProcess; startupSeconds: number }> {
  await migrateUp({ ...bench.clickhouse, database });
  const [port] = await freePorts(1);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: bench.kafkaBrokers,
    CLICKHOUSE_URL: bench.clickhouse.url,
    CLICKHOUSE_USER: bench.clickhouse.user,
    CLICKHOUSE_PASSWORD: bench.clickhouse.password,
    CLICKHOUSE_DATABASE: database,
    DATABASE_URL: bench.databaseUrl,
    KAFKA_TOPIC_PREFIX: topics.prefix,
    KAFKA_TOPIC_PARTITIONS: String(bench.options.partitions),
    CONSUMER_GROUP_ID: groupId,
    CONSUMER_PORT: String(port),
    CONSUMER_MAX_BATCH_ROWS: String(bench.options.batchRows),
    DEFAULT_RETENTION_DAYS: String(RETENTION_DAYS),
    PULSE_CONFIG: bench.configPath,
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, bench.options.consumerNodeOptions, bench.profiler?.nodeOption].filter(Boolean).join(' '),
    ...bench.profiler?.env,
  };
  const app = new AppProcess({ app: 'consumer', root: consumerRoot, port, env, onLine: (_app, line) => console.log(`[${name}] ${line}`) });
  bench.apps.add(app);
  const started = performance.now();
  await app.start();
  return { app, startupSeconds: round((performance.now() - started) / 1000, 2) };
}

export async function stopConsumer(bench: Bench, app: AppProcess): Promise<void> {
  const exit = await app.stop();
  bench.apps.delete(app);
  // A graceful stop re-raises SIGTERM; SIGKILL means the 30 s stop deadline passed.
  if (exit.signal === 'SIGKILL' || (exit.code !== null && exit.code !== 0)) log(`warning: consumer did not stop cleanly (${exit.signal ?? `code ${exit.code}`})`);
}

/** The group's progress on the benchmark's topics, connected and past the coordinator's first lookup. */
export async function connectedProgress(bench: Bench, groupId: string, topics: BenchTopics): Promise<ConsumerProgress> {
  const progress = new ConsumerProgress(groupId, topics.names, bench.kafkaBrokers);
  await progress.connect();
  await groupCoordinatorReady(progress);
  return progress;
}

/**
 * On a fresh broker the first group lookup makes Kafka create __consumer_offsets, and the
 * coordinator answers "not available" for a moment; wait for it here so the consumer's start-up
 * (and the measured time) does not include it.
 */
async function groupCoordinatorReady(progress: ConsumerProgress): Promise<void> {
  await waitUntil('Kafka group coordinator', async () => (await progress.committed(RecordKind.Transaction)) === 0, { timeoutMs: 60_000, intervalMs: PROGRESS_INTERVAL_MS });
}

/** Polls until the group's lag is 0, failing at once if the app exits. */
export async function waitCaughtUp(app: AppProcess, progress: ConsumerProgress, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  void app.waitForExit().then((exit) => (exited = exit.signal ?? `code ${exit.code}`));
  await waitUntil(
    'consumer group caught up',
    async () => {
      if (exited) throw new StopWaiting(`consumer exited (${exited})`);
      return (await progress.lag(RecordKind.Transaction)) === 0;
    },
    { timeoutMs, intervalMs: PROGRESS_INTERVAL_MS },
  );
}

// CPU profile of the consumer over the measured window (--cpu-prof-dir)

/** Asks the hook in the consumer to start (first call) or stop and write (second call) its profile. */
export function signalProfiler(app: AppProcess): void {
  process.kill(app.pid!, 'SIGWINCH');
}

export async function collectCpuProfile(app: AppProcess, dir: string): Promise<CpuProfileSummary> {
  signalProfiler(app);
  await waitUntil('consumer CPU profile written', async () => profilesOf(dir, 'consumer', app.pid!).length > 0, { timeoutMs: 60_000, intervalMs: 100 });
  return summarizeCpuProfile(profilesOf(dir, 'consumer', app.pid!)[0]);
}
