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
// unless KAFKA_BROKERS and CLICKHOUSE_URL are set; whatever was started is stopped at the end.
// Results: a table on stdout and JSON in bench/results/<timestamp>-consumer.json.
import { loadEnvConfig, ProducerCompression } from '@pulse/config';
import { createKafka, ensureTopics, kafkaCompression, RecordKind, TopicNames } from '@pulse/kafka';
import { AppProcess, bringUpInfra, Infra, StopWaiting, tearDownInfra, waitUntil } from '@pulse/local-infra';
import { ClickHouseConnection, createClickHouse, INSERT_SETTINGS, migrateUp, Tables, toTransactionRow } from '@pulse/storage';
import type { TransactionRecord } from '@pulse/model';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConsumerProgress } from '../test/support/consumer-progress';
import { RecordGenerator } from '../test/support/generated-records';
import { freePorts } from '@pulse/testing';
import { CpuProfileSummary, installCpuProfileHook, printCpuProfileSummary, profilesOf, summarizeCpuProfile } from './bench/cpu-profile';
import { stopOnSignal } from './bench/stop-on-signal';
import { numberFlag } from './bench/flags';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';
import { machine, writeResult } from './bench/report';
import { mbOf, readCpuSeconds, readRssKb, RssSampler } from './bench/proc';
import { backlogMessages, KeptPayloads, keepPayloads, keptRecords, MessageShape } from './bench/consumer-payloads';
import { metricValue, scrapeMetrics } from './bench/prometheus';
import { median, round } from './bench/stats';
import { formatNumber, printRows } from './bench/table';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench: ${line}`);

/** Projects per partition: a real deployment has many projects, hashed over every partition. */
const PROJECTS_PER_PARTITION = 2;

/**
 * Project ids whose murmur2 partitions (kafkajs's DefaultPartitioner, as ingest's producer uses,
 * key = project id) cover every one of `partitions` evenly: the lowest ids, `PROJECTS_PER_PARTITION`
 * per partition. Until 2026-12-07 the bench used ids 1, 2, 3, which murmur2 puts on 2 of 4
 * partitions (1:2): half the partitions idle, unlike a deployment with many projects.
 */
export function projectsCovering(partitions: number, perPartition = PROJECTS_PER_PARTITION): number[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] as number[], partitionErrorCode: 0 }));
  const taken = new Array<number>(partitions).fill(0);
  const ids: number[] = [];
  for (let id = 1; ids.length < partitions * perPartition; id++) {
    const partition = partitioner({ topic: 'bench', partitionMetadata, message: { key: String(id), value: null } });
    if (taken[partition] >= perPartition) continue;
    taken[partition]++;
    ids.push(id);
  }
  return ids;
}

let PROJECTS: number[] = [];
const RETENTION_DAYS = 90;
/** Records per producer send (one Kafka request). */
const SEND_MESSAGES = 5000;
const RSS_INTERVAL_MS = 500;
const PROGRESS_INTERVAL_MS = 200;


interface Options {
  rows: number;
  batchRows: number;
  partitions: number;
  repeat: number;
  soakSeconds: number;
  rate: number;
  seed: number;
  cpuProfDir?: string;
  /** Added to the consumer's NODE_OPTIONS only (e.g. --max-old-space-size=512). */
  consumerNodeOptions?: string;
  /** Where to write the result JSON instead of bench/results/<timestamp>-consumer.json. */
  out?: string;
  message: MessageShape;
  /** Rows per baseline insert; undefined: the consumer's mean insert of its first run. */
  baselineRows?: number;
  /** Repository root of the consumer build to run (default: this one). */
  consumerRoot: string;
  /** Repository root of a second consumer build, run on the same backlog in every repetition. */
  compareRoot?: string;
  /** Project ids (the Kafka keys); default: projectsCovering(partitions). */
  projects: number[];
}

function readOptions(): Options {
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

// ---------------------------------------------------------------------------------------------
// Figures

interface RssFigures {
  samples: number;
  /** Every sample, 500 ms apart (MB). */
  seriesMb: number[];
  idleMb: number;
  p50Mb: number;
  maxMb: number;
  firstThirdMedianMb: number;
  lastThirdMedianMb: number;
}

interface ConsumerMetricsFigures {
  rowsInserted: number;
  batches: number;
  insertSecondsSum: number;
  insertCount: number;
  meanInsertMs: number;
  /** Rows inserted / inserts (a halved batch is several inserts). */
  rowsPerInsert: number;
  rowsPerBatch: number;
  retries: number;
  deadLettered: number;
}

interface BaselineRun {
  rows: number;
  /** Rows per insert. */
  batchRows: number;
  /** CPU of the benchmark process (the client: serialization, HTTP) during the inserts, per 1,000 rows. */
  clientCpuMsPer1000Rows: number;
  inserts: number;
  /** Sum of the sequential insert calls: the wall clock of the inserts. */
  insertSeconds: number;
  rowsPerSecond: number;
  meanInsertMs: number;
  /** Decoding the produced JSON and mapping rows, which the consumer also does (not in rowsPerSecond). */
  prepareSeconds: number;
  /** As if decoding and mapping ran in line before each insert, as in the consumer. */
  rowsPerSecondWithPrepare: number;
  /** Where the rows came from: the produced bytes (JSON.parse), or the generator again (above MAX_KEPT_ROWS; slower). */
  recordsFrom: 'produced payloads' | 'generator';
}

interface ConsumerRun {
  rows: number;
  /** Ready → every offset committed. */
  elapsedSeconds: number;
  rowsPerSecond: number;
  /** Spawn → ready (start-up, group join). */
  startupSeconds: number;
  /** Messages already committed when the app answered /ready (work that started during start-up). */
  committedAtReady: number;
  countInTable: number;
  /** The consumer process's user + system CPU from ready to caught up, per 1,000 rows stored. */
  cpuMsPer1000Rows: number;
  rss: RssFigures;
  heap: ReturnType<HeapSampler['stop']>;
  metrics: ConsumerMetricsFigures;
  cpuProfile?: CpuProfileSummary;
}

interface SoakRun {
  seconds: number;
  targetRate: number;
  produced: number;
  producedRate: number;
  /** Messages not yet committed when production stopped. */
  lagAtEnd: number;
  /** Production stop → lag 0. */
  drainSeconds: number;
  countInTable: number;
  rss: RssFigures;
  heap: ReturnType<HeapSampler['stop']>;
  metrics: ConsumerMetricsFigures;
}

function rssFigures(idleMb: number, samplesMb: number[]): RssFigures {
  const third = Math.max(1, Math.floor(samplesMb.length / 3));
  return {
    samples: samplesMb.length,
    seriesMb: samplesMb,
    idleMb,
    p50Mb: round(median(samplesMb), 1),
    maxMb: round(Math.max(...samplesMb), 1),
    firstThirdMedianMb: round(median(samplesMb.slice(0, third)), 1),
    lastThirdMedianMb: round(median(samplesMb.slice(-third)), 1),
  };
}

const HEAP_INTERVAL_MS = 2000;

/**
 * The V8 heap and the memory outside it (Buffers: fetched Kafka data), from the app's own /metrics
 * every 2 s, to tell what the RSS is made of.
 */
class HeapSampler {
  readonly heapUsedMb: number[] = [];
  readonly externalMb: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly app: AppProcess) {
    this.timer = setInterval(() => void this.sample(), HEAP_INTERVAL_MS);
  }

  stop(): { heapUsedMaxMb: number; externalMaxMb: number; heapUsedMb: number[]; externalMb: number[] } {
    clearInterval(this.timer);
    return { heapUsedMaxMb: Math.max(...this.heapUsedMb), externalMaxMb: Math.max(...this.externalMb), heapUsedMb: this.heapUsedMb, externalMb: this.externalMb };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const text = await scrapeMetrics(this.app.url);
      this.heapUsedMb.push(round(metricValue(text, 'pulse_nodejs_heap_size_used_bytes') / 2 ** 20, 1));
      this.externalMb.push(round(metricValue(text, 'pulse_nodejs_external_memory_bytes') / 2 ** 20, 1));
    } catch {
      // A scrape that fails (the app is stopping) is just a missing sample.
    } finally {
      this.busy = false;
    }
  }
}

async function consumerMetrics(app: AppProcess, topic: string): Promise<ConsumerMetricsFigures> {
  const text = await scrapeMetrics(app.url);
  const table = { table: Tables.transactions };
  const insertSecondsSum = metricValue(text, 'pulse_consumer_insert_seconds_sum', table);
  const insertCount = metricValue(text, 'pulse_consumer_insert_seconds_count', table);
  const batches = metricValue(text, 'pulse_consumer_batches_total', { topic });
  const rowsInserted = metricValue(text, 'pulse_consumer_rows_inserted_total', table);
  return {
    rowsInserted,
    batches,
    insertSecondsSum: round(insertSecondsSum, 3),
    insertCount,
    meanInsertMs: insertCount > 0 ? round((insertSecondsSum / insertCount) * 1000, 1) : NaN,
    rowsPerInsert: insertCount > 0 ? Math.round(rowsInserted / insertCount) : NaN,
    rowsPerBatch: batches > 0 ? Math.round(rowsInserted / batches) : NaN,
    retries: metricValue(text, 'pulse_consumer_batch_retries_total', { topic }),
    deadLettered: metricValue(text, 'pulse_consumer_dead_lettered_total', { topic }),
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profile of the consumer over the measured window (--cpu-prof-dir)

/** Asks the hook in the consumer to start (first call) or stop and write (second call) its profile. */
function signalProfiler(app: AppProcess): void {
  process.kill(app.pid!, 'SIGWINCH');
}

async function collectCpuProfile(app: AppProcess, dir: string): Promise<CpuProfileSummary> {
  signalProfiler(app);
  await waitUntil('consumer CPU profile written', async () => profilesOf(dir, 'consumer', app.pid!).length > 0, { timeoutMs: 60_000, intervalMs: 100 });
  return summarizeCpuProfile(profilesOf(dir, 'consumer', app.pid!)[0]);
}

// ---------------------------------------------------------------------------------------------
// Phases

interface Bench {
  options: Options;
  runId: string;
  stateDir: string;
  kafkaBrokers: string;
  clickhouse: ClickHouseConnection;
  kafka: Kafka;
  /** The same instant for the produced records and the baseline's, so both are the same rows. */
  nowMs: number;
  configPath: string;
  /** Apps running now, stopped on failure or Ctrl-C. */
  apps: Set<AppProcess>;
  /** Compressed as ingest compresses (PRODUCER_COMPRESSION, none by default): the consumer reads what it reads in production. */
  compression: ProducerCompression;
  /** With --cpu-prof-dir: what loads the profiler hook into the consumer. */
  profiler?: { nodeOption: string; env: Record<string, string> };
}

function generator(bench: Bench, nowMs?: number): RecordGenerator {
  return new RecordGenerator(bench.options.seed, { projects: PROJECTS, nowMs });
}

interface BenchTopics {
  prefix: string;
  names: TopicNames;
}

async function createTopics(bench: Bench, prefix: string): Promise<BenchTopics> {
  const names = new TopicNames(prefix);
  await ensureTopics(bench.kafka, names.all().map((topic) => ({ topic, partitions: bench.options.partitions })));
  return { prefix, names };
}

function newProducer(bench: Bench): Producer {
  // The Java-compatible murmur2 partitioner, as ingest uses: key = project id.
  return bench.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Sends `records` as ingest would have written them (--message-schema, --records-per-request); resolves to the message count. */
async function sendRecords(bench: Bench, producer: Producer, topic: string, records: TransactionRecord[], kept?: KeptPayloads): Promise<number> {
  const messages = backlogMessages(records, bench.options.message);
  if (kept) keepPayloads(kept, messages);
  await producer.send({ topic, acks: -1, compression: kafkaCompression(bench.compression), messages });
  return messages.length;
}

/** Sends kept in flight while the backlog is produced (generation overlaps the broker's work). */
const SENDS_IN_FLIGHT = 3;

interface Production {
  seconds: number;
  rowsPerSecond: number;
  messages: number;
  /** Messages in the topic beyond those sent: sends kafkajs retried after they had landed. */
  duplicateMessages: number;
  /** Messages per partition: the key is the project id; the projects are picked to cover every partition evenly. */
  messagesPerPartition: Record<string, number>;
}

/** Above this many rows the payloads are not kept and the baseline regenerates the records. */
const MAX_KEPT_ROWS = 3_000_000;

/** Produces the whole backlog before any consumer runs. */
async function produceBacklog(bench: Bench, topics: BenchTopics): Promise<{ production: Production; kept?: KeptPayloads }> {
  const { rows } = bench.options;
  const kept: KeptPayloads | undefined = rows <= MAX_KEPT_ROWS ? { chunks: [] } : undefined;
  const topic = topics.names.records[RecordKind.Transaction];
  const producer = newProducer(bench);
  await producer.connect();
  const records = generator(bench, bench.nowMs);
  const started = performance.now();
  let messages = 0;
  try {
    const inFlight = new Set<Promise<number>>();
    let lastReport = started;
    for (let sent = 0; sent < rows; ) {
      const count = Math.min(SEND_MESSAGES, rows - sent);
      const send = sendRecords(bench, producer, topic, Array.from({ length: count }, () => records.transaction()), kept);
      // A failed send surfaces through race/all below; this chain only counts and forgets it.
      void send
        .then((sentMessages) => (messages += sentMessages))
        .finally(() => inFlight.delete(send))
        .catch(() => undefined);
      inFlight.add(send);
      sent += count;
      if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        log(`  produced ${sent.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')}`);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const admin = bench.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const messagesPerPartition = Object.fromEntries(offsets.map((o) => [String(o.partition), Number(o.high) - Number(o.low)]));
    const total = Object.values(messagesPerPartition).reduce((a, b) => a + b, 0);
    if (total < messages) throw new Error(`the topic holds ${total} messages, expected ${messages}`);
    // A send kafkajs retried after its acknowledgement was lost (a loaded machine) is in the log
    // twice; the consumer drops the copies as client re-sends, so the table still holds each row once.
    if (total > messages) log(`  warning: the topic holds ${total - messages} messages more than were sent (retried sends)`);
    return { production: { seconds: round(seconds, 2), rowsPerSecond: Math.round(rows / seconds), messages, duplicateMessages: total - messages, messagesPerPartition }, kept };
  } finally {
    await admin.disconnect();
  }
}

/** The same rows, mapped as the consumer maps them, inserted directly and sequentially. */
async function runBaseline(bench: Bench, repetition: number, kept: KeptPayloads | undefined, batchRows: number): Promise<BaselineRun> {
  const { rows } = bench.options;
  const database = `bench_${bench.runId}_baseline_${repetition}`;
  await migrateUp({ ...bench.clickhouse, database });
  const client = createClickHouse({ ...bench.clickhouse, database });
  // The same records either way: the kept payloads, or the generator with the same seed and time.
  const source = kept ? keptRecords(kept) : generatorRecords(generator(bench, bench.nowMs));
  const next = (): TransactionRecord => {
    const { value, done } = source.next();
    if (done) throw new Error('baseline ran out of records');
    return value;
  };
  let insertMs = 0;
  let clientCpuMicros = 0;
  let prepareMs = 0;
  let inserts = 0;
  try {
    for (let done = 0; done < rows; ) {
      const count = Math.min(batchRows, rows - done);
      // Rows are built outside the timed part (but timed on their own: JSON.parse of the produced
      // bytes and the row mapping, the consumer's decode work); the client's serialization is inside.
      const prepareStarted = performance.now();
      const values = Array.from({ length: count }, () => toTransactionRow(next(), RETENTION_DAYS));
      const started = performance.now();
      prepareMs += started - prepareStarted;
      const cpuBefore = process.cpuUsage();
      await client.insert({
        table: Tables.transactions,
        values,
        format: 'JSONEachRow',
        clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: `bench/${bench.runId}/${repetition}/${inserts}` },
      });
      insertMs += performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      clientCpuMicros += cpu.user + cpu.system;
      inserts++;
      done += count;
    }
    const countInTable = await countRows(client);
    if (countInTable !== rows) throw new Error(`baseline: ${countInTable} rows in ${database}.${Tables.transactions}, expected ${rows}`);
  } finally {
    await client.close();
  }
  const insertSeconds = insertMs / 1000;
  return {
    rows,
    batchRows,
    clientCpuMsPer1000Rows: round(clientCpuMicros / rows, 2),
    inserts,
    insertSeconds: round(insertSeconds, 2),
    rowsPerSecond: Math.round(rows / insertSeconds),
    meanInsertMs: round(insertMs / inserts, 1),
    prepareSeconds: round(prepareMs / 1000, 2),
    rowsPerSecondWithPrepare: Math.round(rows / ((insertMs + prepareMs) / 1000)),
    recordsFrom: kept ? 'produced payloads' : 'generator',
  };
}

function* generatorRecords(records: RecordGenerator): Generator<TransactionRecord> {
  for (;;) yield records.transaction();
}

async function countRows(client: ReturnType<typeof createClickHouse>): Promise<number> {
  const result = await client.query({ query: `SELECT count() AS n FROM ${Tables.transactions}`, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row.n);
}

/** Starts the built consumer app on its own database and group; resolves once it is ready. */
async function startConsumer(
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

async function stopConsumer(bench: Bench, app: AppProcess): Promise<void> {
  const exit = await app.stop();
  bench.apps.delete(app);
  // A graceful stop re-raises SIGTERM; SIGKILL means the 30 s stop deadline passed.
  if (exit.signal === 'SIGKILL' || (exit.code !== null && exit.code !== 0)) log(`warning: consumer did not stop cleanly (${exit.signal ?? `code ${exit.code}`})`);
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
async function waitCaughtUp(app: AppProcess, progress: ConsumerProgress, timeoutMs: number): Promise<void> {
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

async function runConsumer(bench: Bench, topics: BenchTopics, repetition: number, build: 'consumer' | 'compare' = 'consumer'): Promise<ConsumerRun> {
  const { rows } = bench.options;
  const database = `bench_${bench.runId}_${build}_${repetition}`;
  const groupId = `bench_${bench.runId}_${build}_${repetition}`;
  const progress = new ConsumerProgress(groupId, topics.names, bench.kafkaBrokers);
  await progress.connect();
  await groupCoordinatorReady(progress);
  const root = build === 'compare' ? bench.options.compareRoot : bench.options.consumerRoot;
  const { app, startupSeconds } = await startConsumer(bench, `${build} ${repetition + 1}`, topics, database, groupId, root);
  try {
    const { cpuProfDir } = bench.options;
    if (cpuProfDir) signalProfiler(app);
    const started = performance.now();
    const cpuAtReady = readCpuSeconds(app.pid!) ?? NaN;
    const idleMb = mbOf(readRssKb(app.pid!));
    const sampler = new RssSampler(app.pid!, RSS_INTERVAL_MS);
    const heapSampler = new HeapSampler(app);
    let committedAtReady = 0;
    try {
      committedAtReady = await progress.committed(RecordKind.Transaction);
      // Generous: a tenth of the local baseline's speed still finishes.
      await waitCaughtUp(app, progress, Math.max(120_000, rows));
    } finally {
      sampler.stop();
    }
    const cpuSeconds = (readCpuSeconds(app.pid!) ?? NaN) - cpuAtReady;
    const heap = heapSampler.stop();
    const elapsedSeconds = (performance.now() - started) / 1000;
    const cpuProfile = cpuProfDir ? await collectCpuProfile(app, cpuProfDir) : undefined;
    const metrics = await consumerMetrics(app, topics.names.records[RecordKind.Transaction]);
    const countInTable = await countIn(bench, database);
    if (countInTable !== rows) throw new Error(`consumer: ${countInTable} rows in ${database}.${Tables.transactions}, expected ${rows}`);
    return {
      rows,
      elapsedSeconds: round(elapsedSeconds, 2),
      rowsPerSecond: Math.round(rows / elapsedSeconds),
      startupSeconds,
      committedAtReady,
      countInTable,
      cpuMsPer1000Rows: round((cpuSeconds * 1000 * 1000) / rows, 1),
      rss: rssFigures(idleMb, sampler.samplesMb),
      heap,
      metrics,
      cpuProfile,
    };
  } finally {
    await stopConsumer(bench, app);
    await progress.disconnect();
  }
}

async function countIn(bench: Bench, database: string): Promise<number> {
  const client = createClickHouse({ ...bench.clickhouse, database });
  try {
    return await countRows(client);
  } finally {
    await client.close();
  }
}

/** The consumer on an empty topic, then production at a fixed rate for the soak's length. */
async function runSoak(bench: Bench): Promise<SoakRun> {
  const { soakSeconds, rate } = bench.options;
  const topics = await createTopics(bench, `bench_${bench.runId}_soak.`);
  const database = `bench_${bench.runId}_soak`;
  const groupId = `bench_${bench.runId}_soak`;
  const topic = topics.names.records[RecordKind.Transaction];
  const progress = new ConsumerProgress(groupId, topics.names, bench.kafkaBrokers);
  await progress.connect();
  await groupCoordinatorReady(progress);
  const producer = newProducer(bench);
  await producer.connect();
  const { app } = await startConsumer(bench, 'consumer soak', topics, database, groupId);
  try {
    const idleMb = mbOf(readRssKb(app.pid!));
    const sampler = new RssSampler(app.pid!, RSS_INTERVAL_MS);
    const heapSampler = new HeapSampler(app);
    // Record times follow the clock, as live traffic's do.
    const records = generator(bench);
    let produced = 0;
    let lagAtEnd: number;
    const started = performance.now();
    try {
      let exited = false;
      void app.waitForExit().then(() => (exited = true));
      let lastReport = started;
      const target = rate * soakSeconds;
      while (produced < target) {
        if (exited) throw new Error('consumer exited during the soak');
        const elapsedMs = performance.now() - started;
        if (performance.now() - lastReport >= 30_000) {
          lastReport = performance.now();
          log(`  soak ${Math.round(elapsedMs / 1000)} s: produced ${produced.toLocaleString('en-US')}, lag ${await progress.lag(RecordKind.Transaction)}, RSS ${sampler.last.toFixed(0)} MB`);
        }
        // Whatever the schedule says is due by now, in sends of at most SEND_MESSAGES.
        const due = Math.min(Math.floor((rate * elapsedMs) / 1000), target) - produced;
        if (due > 0) {
          const count = Math.min(due, SEND_MESSAGES);
          await sendRecords(bench, producer, topic, Array.from({ length: count }, () => records.transaction()));
          produced += count;
        } else {
          // Pacing of the producer (not a readiness check): the next slice of the schedule.
          await new Promise((resolveTimer) => setTimeout(resolveTimer, 50));
        }
      }
      lagAtEnd = await progress.lag(RecordKind.Transaction);
    } finally {
      sampler.stop();
    }
    const heap = heapSampler.stop();
    const productionSeconds = (performance.now() - started) / 1000;
    const drainStarted = performance.now();
    await waitCaughtUp(app, progress, Math.max(120_000, produced));
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const metrics = await consumerMetrics(app, topic);
    const countInTable = await countIn(bench, database);
    if (countInTable !== produced) throw new Error(`soak: ${countInTable} rows in ${database}.${Tables.transactions}, expected ${produced}`);
    return {
      seconds: soakSeconds,
      targetRate: rate,
      produced,
      producedRate: Math.round(produced / productionSeconds),
      lagAtEnd,
      drainSeconds: round(drainSeconds, 2),
      countInTable,
      rss: rssFigures(idleMb, sampler.samplesMb),
      heap,
      metrics,
    };
  } finally {
    await stopConsumer(bench, app);
    await producer.disconnect();
    await progress.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function printTable(rows: Array<[string, string | number]>): void {
  printRows(rows.map(([label, value]) => [label, typeof value === 'number' ? formatNumber(value) : value]));
}

function memoryRows(rss: RssFigures, heap: ReturnType<HeapSampler['stop']>): Array<[string, number | string]> {
  return [
    ['RSS idle (MB)', rss.idleMb],
    ['RSS p50 (MB)', rss.p50Mb],
    ['RSS max (MB)', rss.maxMb],
    ['RSS first third median (MB)', rss.firstThirdMedianMb],
    ['RSS last third median (MB)', rss.lastThirdMedianMb],
    ['RSS samples (every 500 ms)', rss.samples],
    ['V8 heap used max (MB, every 2 s)', heap.heapUsedMaxMb],
    ['external (Buffers) max (MB)', heap.externalMaxMb],
  ];
}

// ---------------------------------------------------------------------------------------------

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

  const baselineRate = median(baselines.map((run) => run.rowsPerSecond));
  const consumerRate = median(consumers.map((run) => run.rowsPerSecond));
  // The run whose throughput is the median (the lower middle one for an even count) gives the other figures.
  const representative = [...consumers].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[Math.floor((consumers.length - 1) / 2)];
  const summary = {
    rows: options.rows,
    batchRows: options.batchRows,
    partitions: options.partitions,
    projects: PROJECTS,
    repeat: options.repeat,
    messageSchema: options.message.schema,
    recordsPerRequest: options.message.recordsPerRequest,
    consumerRoot: options.consumerRoot,
    baselineBatchRows: baselines[0]?.batchRows,
    baselineRowsPerSecond: baselineRate,
    consumerRowsPerSecond: consumerRate,
    consumerToBaseline: round(consumerRate / baselineRate, 3),
    baselineWithPrepareRowsPerSecond: median(baselines.map((run) => run.rowsPerSecondWithPrepare)),
    baselineMeanInsertMs: median(baselines.map((run) => run.meanInsertMs)),
    consumerMeanInsertMs: representative.metrics.meanInsertMs,
    consumerRowsPerInsert: representative.metrics.rowsPerInsert,
    consumerCpuMsPer1000Rows: median(consumers.map((run) => run.cpuMsPer1000Rows)),
    baselineClientCpuMsPer1000Rows: median(baselines.map((run) => run.clientCpuMsPer1000Rows)),
    consumerPeakRssMb: Math.max(...consumers.map((run) => run.rss.maxMb)),
    compared: compared.length === 0 ? undefined : comparedFigures(compared, baselineRate),
    consumerRowsPerBatch: representative.metrics.rowsPerBatch,
    consumerBatches: representative.metrics.batches,
    rss: representative.rss,
    heap: representative.heap,
  };
  console.log('');
  console.log(`Consumer benchmark (backlog of ${options.rows.toLocaleString('en-US')} transactions; median of ${options.repeat})`);
  printTable([
    ['rows', summary.rows],
    ['batch cap (CONSUMER_MAX_BATCH_ROWS, messages)', summary.batchRows],
    ['partitions', summary.partitions],
    ['projects (Kafka keys)', `${PROJECTS.join(',')}: ${Object.values(production.messagesPerPartition).join(':')} messages per partition`],
    ['message schema, records per request', `${summary.messageSchema}, ${summary.recordsPerRequest}`],
    ['baseline rows per insert (JSONEachRow)', summary.baselineBatchRows],
    ['baseline rows/s (direct inserts: one connection, sequential)', summary.baselineRowsPerSecond],
    ['baseline rows/s incl. decode + map', summary.baselineWithPrepareRowsPerSecond],
    ['consumer rows/s', summary.consumerRowsPerSecond],
    ['consumer / baseline', summary.consumerToBaseline],
    ['baseline mean insert (ms)', summary.baselineMeanInsertMs],
    ['consumer mean insert (ms)', summary.consumerMeanInsertMs],
    ['consumer rows per insert', summary.consumerRowsPerInsert],
    ['consumer rows per batch', summary.consumerRowsPerBatch],
    ['consumer batches', summary.consumerBatches],
    ['consumer CPU-ms per 1,000 rows', summary.consumerCpuMsPer1000Rows],
    ['baseline client CPU-ms per 1,000 rows', summary.baselineClientCpuMsPer1000Rows],
    ['consumer peak RSS (MB, every run)', summary.consumerPeakRssMb],
    ...(summary.compared
      ? ([
          ['compared build rows/s', summary.compared.rowsPerSecond],
          ['compared build / baseline', summary.compared.toBaseline],
          ['compared build rows per insert', summary.compared.rowsPerInsert],
          ['compared build CPU-ms per 1,000 rows', summary.compared.cpuMsPer1000Rows],
          ['compared build peak RSS (MB, every run)', summary.compared.peakRssMb],
        ] as Array<[string, number | string]>)
      : []),
    ...memoryRows(summary.rss, summary.heap),
  ]);
  if (representative.cpuProfile) {
    const { cpuProfile } = representative;
    console.log('');
    console.log('Consumer CPU profile, ready → caught up:');
    printCpuProfileSummary(cpuProfile);
  }
  return { mode: 'backlog', summary, production, baselines, consumers, compared };
}

/** Medians of the --compare-root build's runs, as the summary gives them for the consumer. */
function comparedFigures(runs: ConsumerRun[], baselineRate: number) {
  const rowsPerSecond = median(runs.map((run) => run.rowsPerSecond));
  return {
    rowsPerSecond,
    toBaseline: round(rowsPerSecond / baselineRate, 3),
    rowsPerInsert: median(runs.map((run) => run.metrics.rowsPerInsert)),
    cpuMsPer1000Rows: median(runs.map((run) => run.cpuMsPer1000Rows)),
    peakRssMb: Math.max(...runs.map((run) => run.rss.maxMb)),
  };
}

async function runSoakMode(bench: Bench): Promise<Record<string, unknown>> {
  const { options } = bench;
  log(`soak: consumer on an empty topic, then ${options.rate.toLocaleString('en-US')} rows/s for ${options.soakSeconds} s…`);
  const soak = await runSoak(bench);
  console.log('');
  console.log(`Consumer soak (${options.soakSeconds} s at ${options.rate.toLocaleString('en-US')} rows/s)`);
  printTable([
    ['rows produced', soak.produced],
    ['produced rows/s', soak.producedRate],
    ['batch size (rows)', options.batchRows],
    ['partitions', options.partitions],
    ['lag when production stopped', soak.lagAtEnd],
    ['drain after production (s)', soak.drainSeconds],
    ['consumer mean insert (ms)', soak.metrics.meanInsertMs],
    ['consumer rows per batch', soak.metrics.rowsPerBatch],
    ['consumer batches', soak.metrics.batches],
    ...memoryRows(soak.rss, soak.heap),
  ]);
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
  PROJECTS = options.projects;
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
    log,
  });
  const overrides = consumerEnvOverrides();
  if (Object.keys(overrides).length > 0) log(`consumer tuning from the environment: ${JSON.stringify(overrides)}`);
  log(`infrastructure ready in ${((performance.now() - infraStarted) / 1000).toFixed(1)} s`);
  const apps = new Set<AppProcess>();
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await Promise.allSettled([...apps].map((app) => app.stop()));
      await tearDownInfra(infra.started);
    })());
  stopOnSignal(log, cleanUp);

  const kafka = createKafka({ brokers: infra.kafkaBrokers.split(','), clientId: 'pulse-bench' });
  try {
    const runId = randomBytes(4).toString('hex');
    const configPath = join(stateDir, 'pulse-config.json');
    writePulseConfig(configPath, benchProjects(PROJECTS));
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
      kafka,
      nowMs: Date.now(),
      configPath,
      apps,
      compression: loadEnvConfig(process.env).producerCompression,
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
      options: { ...options, sendMessages: SEND_MESSAGES, projects: PROJECTS, retentionDays: RETENTION_DAYS, consumerEnv: consumerEnvOverrides() },
      infra: { kafka: process.env.KAFKA_BROKERS ? 'external' : 'local', clickhouse: process.env.CLICKHOUSE_URL ? 'external' : 'local (chdb)' },
      machine: machine(root),
      ...outcome,
    };
    const file = writeResult(root, 'consumer', startedAt, result, options.out);
    console.log('');
    log(`results written to ${file}`);
    return 0;
  } finally {
    await cleanUp();
  }
}

runMain('pulse bench consumer', main);
