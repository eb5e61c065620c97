// Ingest throughput benchmark (`npm run bench:ingest -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-ingest.js [--seconds 20] [--warmup-seconds 3] [--prime-seconds 10] [--connections 64] [--repeat 3]
//                                     [--bodies 10000] [--projects 3] [--seed 42] [--partitions 4]
//                                     [--cpu-prof-dir DIR] [--out FILE]
//
// How many envelopes and events per second ONE ingest process sustains, and its response times,
// against a baseline measured in the same run: a bare Fastify + kafkajs server
// (scripts/bench/ingest/baseline-server.ts) that only splits the envelope, JSON.parses its lines,
// and produces each stored item to the same topics with the same producer settings. Both get the
// same closed-loop client (N keep-alive connections, warm-up, fixed window) and the same envelope
// bodies, generated once before any timing by the load generator (@pulse/loadgen's Workload).
// Phases alternate (B I, I B, B I, …) and medians are reported. An "event" is the load
// generator's: one transaction, one error or one session update (a late Web Vitals envelope is
// an envelope but no event).
//
// A local Kafka starts under .local/bench-ingest (wiped first) on port 29192 unless KAFKA_BROKERS
// is set; ClickHouse is not needed. Everything listens on 127.0.0.1 and is stopped at the end,
// also on failure or Ctrl-C. Results: a table on stdout, JSON in bench/results/<timestamp>-ingest.json
// (or --out).
import { createKafka, ensureTopics, TopicNames } from '@pulse/kafka';
import { AppProcess, LocalKafka, ServerProcess, waitUntil } from '@pulse/local-infra';
import type { Admin } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { machine, writeResult } from './bench/report';
import { prepareRequests, PreparedBodies } from './bench/ingest/bodies';
import { ClosedLoopResult, runClosedLoop } from './bench/ingest/closed-loop';
import { CpuProfileSummary, installCpuProfileHook, printCpuProfileSummary, profilesOf, summarizeCpuProfile } from './bench/cpu-profile';
import { IngestBenchOptions, readIngestOptions } from './bench/ingest/options';
import { mbOf, readCpuSeconds, readRssKb, RssSampler } from './bench/proc';
import { formatNumber as fmt, printColumns, printRows } from './bench/table';
import { metricSamples, metricValue, scrapeMetrics } from './bench/prometheus';
import { median, medianMax, MedianMax, round } from './bench/stats';
import { freePorts } from '../test/support/test-infra';
import { stopOnSignal } from './bench/stop-on-signal';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench ingest: ${line}`);
const KAFKA_PORT = 29192;
const BASELINE_SCRIPT = join('dist', 'scripts', 'bench', 'ingest', 'baseline-server.js');

type ServerName = 'baseline' | 'ingest';

interface Phase extends ClosedLoopResult {
  server: ServerName;
  repetition: number;
  /** CPU the server used in the window, in cores (1 = one core fully busy). */
  serverCores: number;
  /** Server CPU milliseconds per 1,000 events: its cost per event, less sensitive to the machine's other load than throughput. */
  serverCpuMsPer1000Events: number;
  /** CPU the local Kafka broker used in the window, in cores (NaN with an external broker). */
  kafkaCores: number;
  /** Messages the server produced per second in the window (end offsets of the record topics). */
  kafkaMessagesPerSecond: number;
  kafkaMessagesPerEnvelope: number;
  /** Kafka batches the server sent in the window, and their mean time to acknowledgement (BatchingProducer: linger excluded). */
  batchesPerSecond: number;
  meanBatchAckMs: number;
  rssMb: MedianMax;
  cpuProfile?: string;
}

interface Server {
  name: ServerName;
  port: number;
  pid: number;
  idleRssMb: number;
  /** RSS samples (MB, every 500 ms) over all of its measured windows. */
  rssSamplesMb: number[];
}

async function main(): Promise<number> {
  const options = readIngestOptions();
  checkPrerequisites(root, [appMain('ingest'), BASELINE_SCRIPT]);
  const startedAt = new Date();
  const stateDir = join(root, '.local', 'bench-ingest');
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  const external = process.env.KAFKA_BROKERS || undefined;
  const kafkaService = external ? undefined : new LocalKafka({ port: KAFKA_PORT, stateDir: join(stateDir, 'kafka'), log });
  let ingest: AppProcess | undefined;
  let baseline: ServerProcess | undefined;
  let admin: Admin | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await admin?.disconnect().catch(() => undefined);
      await Promise.allSettled([ingest?.stop(), baseline?.stop()]);
      await kafkaService?.stop().catch((error: unknown) => log(`stopping Kafka: ${String(error)}`));
      rmSync(stateDir, { recursive: true, force: true });
    })());
  stopOnSignal(log, cleanUp);

  try {
    if (kafkaService) {
      const infraStarted = performance.now();
      await kafkaService.start();
      log(`Kafka started at ${kafkaService.endpoint} in ${((performance.now() - infraStarted) / 1000).toFixed(1)} s`);
    }
    const brokers = external ?? kafkaService!.endpoint;
    const runId = randomBytes(4).toString('hex');
    const prefix = `bench_ingest_${runId}.`;
    const topics = new TopicNames(prefix);
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'pulse-bench-ingest' });
    await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: options.partitions })));
    const kafkaAdmin = kafka.admin();
    admin = kafkaAdmin;
    await kafkaAdmin.connect();

    const projects = benchProjects(Array.from({ length: options.projects }, (_, i) => i + 1));
    const configPath = join(stateDir, 'pulse-config.json');
    writePulseConfig(configPath, projects);

    log(`generating ${options.bodies.toLocaleString('en-US')} envelope bodies (seed ${options.seed}, ${options.projects} projects)…`);
    const bodies = prepareRequests({ count: options.bodies, seed: options.seed, projects });
    log(
      `  ${bodies.requests.length.toLocaleString('en-US')} bodies in ${bodies.generationSeconds} s: ${bodies.eventsPerEnvelope} events and ` +
        `${bodies.meanBodyBytes.toLocaleString('en-US')} bytes per envelope on average; by kind ${JSON.stringify(bodies.envelopesByKind)}`,
    );

    const [ingestPort, baselinePort] = await freePorts(2);
    const commonEnv: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(options.partitions),
      PULSE_CONFIG: configPath,
      PULSE_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const profiler = options.cpuProfDir ? installCpuProfileHook(stateDir, 'ingest', options.cpuProfDir) : undefined;
    if (options.cpuProfDir) {
      mkdirSync(options.cpuProfDir, { recursive: true });
      log(`ingest CPU profiles (each measured window) go to ${options.cpuProfDir}`);
    }
    ingest = new AppProcess({
      app: 'ingest',
      root,
      port: ingestPort,
      env: {
        ...commonEnv,
        INGEST_PORT: String(ingestPort),
        NODE_OPTIONS: [process.env.NODE_OPTIONS, profiler?.nodeOption].filter(Boolean).join(' '),
        ...profiler?.env,
      },
      onLine: (_app, line) => console.log(`[ingest] ${line}`),
    });
    baseline = new ServerProcess({
      name: 'baseline',
      script: join(root, BASELINE_SCRIPT),
      port: baselinePort,
      env: { ...commonEnv, BASELINE_PORT: String(baselinePort), BASELINE_KEYS: JSON.stringify(Object.fromEntries(projects.map((p) => [p.key, p.id]))) },
      onLine: (line) => console.log(`[baseline] ${line}`),
    });
    await Promise.all([ingest.start(), baseline.start()]);
    const kafkaPid = kafkaService ? Number(readFileSync(kafkaService.pidFile, 'utf8').trim()) : undefined;
    const servers: Record<ServerName, Server> = {
      ingest: { name: 'ingest', port: ingestPort, pid: ingest.pid!, idleRssMb: mbOf(readRssKb(ingest.pid!)), rssSamplesMb: [] },
      baseline: { name: 'baseline', port: baselinePort, pid: baseline.pid!, idleRssMb: mbOf(readRssKb(baseline.pid!)), rssSamplesMb: [] },
    };
    log(`ingest on port ${ingestPort} (pid ${servers.ingest.pid}), baseline on port ${baselinePort} (pid ${servers.baseline.pid})`);

    if (options.primeSeconds > 0) {
      // Unmeasured: a fresh broker and two fresh processes get their JIT and connections warm first.
      for (const name of ['baseline', 'ingest'] as const) {
        log(`priming ${name}: ${options.primeSeconds} s of load, not measured…`);
        const priming = await runClosedLoop({ port: servers[name].port, connections: options.connections, warmupMs: 0, durationMs: options.primeSeconds * 1000, requests: bodies.requests });
        log(`  ${priming.eventsPerSecond.toLocaleString('en-US')} events/s; statuses ${JSON.stringify(priming.statuses)}`);
      }
    }
    const phases: Phase[] = [];
    for (let repetition = 0; repetition < options.repeat; repetition++) {
      // Alternate the order so neither server always runs second (on a broker with more data).
      const order: ServerName[] = repetition % 2 === 0 ? ['baseline', 'ingest'] : ['ingest', 'baseline'];
      for (const name of order) {
        const server = servers[name];
        log(`${name} ${repetition + 1}/${options.repeat}: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.seconds} s…`);
        const phase = await runPhase(server, repetition, options, bodies, name === 'ingest' ? profiler !== undefined : false, kafkaPid, () => producedMessages(kafkaAdmin, topics));
        phases.push(phase);
        log(
          `  ${phase.eventsPerSecond.toLocaleString('en-US')} events/s, ${phase.envelopesPerSecond.toLocaleString('en-US')} envelopes/s, ` +
            `p50 ${phase.p50Ms} ms, p99 ${phase.p99Ms} ms; statuses ${JSON.stringify(phase.statuses)}; server ${phase.serverCores} cores, client ${phase.clientCores} cores; RSS max ${phase.rssMb.max} MB`,
        );
      }
    }

    const outcomes = await ingestOutcomes(ingest);
    let cpuProfile: CpuProfileSummary | undefined;
    if (options.cpuProfDir) {
      await waitUntil('ingest CPU profiles written', async () => profilesOf(options.cpuProfDir!, 'ingest', servers.ingest.pid).length >= options.repeat, { timeoutMs: 60_000, intervalMs: 200 });
      const files = profilesOf(options.cpuProfDir, 'ingest', servers.ingest.pid);
      phases.filter((p) => p.server === 'ingest').forEach((phase, i) => (phase.cpuProfile = relative(process.cwd(), files[i]) || files[i]));
      // The profile of the ingest phase with the median throughput.
      const representative = medianPhase(phases.filter((p) => p.server === 'ingest'));
      cpuProfile = summarizeCpuProfile(resolve(representative.cpuProfile!));
    }
    await Promise.all([ingest.stop(), baseline.stop()]);

    const summary = summarize(phases, servers, options, bodies);
    printSummary(summary, phases, outcomes, options);
    if (cpuProfile) {
      console.log('');
      console.log('Ingest CPU profile of the median ingest phase (profiling slows ingest down; read shares, not rates):');
      printCpuProfileSummary(cpuProfile);
    }
    const result = {
      benchmark: 'ingest',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      ...summary,
      event_definition: 'one transaction (classic transaction item or streamed segment), one error event, or one session update (a session item or a sessions aggregate item), as @pulse/loadgen counts them',
      options: { ...options, kafka: external ? 'external' : `local, port ${KAFKA_PORT}` },
      machine: machine(root),
      bodies: { count: bodies.requests.length, generation_seconds: bodies.generationSeconds, events_per_envelope: bodies.eventsPerEnvelope, mean_body_bytes: bodies.meanBodyBytes, envelopes_by_kind: bodies.envelopesByKind, records_per_envelope: bodies.recordsPerEnvelope },
      ingest_outcomes: outcomes,
      phases,
      ...(cpuProfile && { cpu_profile: cpuProfile }),
    };
    const file = writeResult(root, 'ingest', startedAt, result, options.out);
    console.log('');
    log(`results written to ${file}`);
    return 0;
  } finally {
    await cleanUp();
  }
}

async function runPhase(
  server: Server,
  repetition: number,
  options: IngestBenchOptions,
  bodies: PreparedBodies,
  profile: boolean,
  kafkaPid: number | undefined,
  produced: () => Promise<number>,
): Promise<Phase> {
  let producedAtStart: Promise<number> | undefined;
  let producedAtEnd: Promise<number> | undefined;
  let batchesAtStart: Promise<BatchStats> | undefined;
  let batchesAtEnd: Promise<BatchStats> | undefined;
  let cpuAtStart = 0;
  let cpuSeconds = NaN;
  let kafkaAtStart = NaN;
  let kafkaSeconds = NaN;
  let sampler: RssSampler | undefined;
  const result = await runClosedLoop({
    port: server.port,
    connections: options.connections,
    warmupMs: options.warmupSeconds * 1000,
    durationMs: options.seconds * 1000,
    requests: bodies.requests,
    // Each repetition starts elsewhere in the bodies; both servers of a repetition send the same ones.
    startIndex: Math.floor((repetition * bodies.requests.length) / Math.max(1, options.repeat)),
    onMeasureStart: () => {
      cpuAtStart = readCpuSeconds(server.pid) ?? NaN;
      if (kafkaPid !== undefined) kafkaAtStart = readCpuSeconds(kafkaPid) ?? NaN;
      sampler = new RssSampler(server.pid, 500);
      producedAtStart = produced();
      batchesAtStart = batchStats(server);
      if (profile) process.kill(server.pid, 'SIGWINCH');
    },
    onMeasureEnd: () => {
      cpuSeconds = (readCpuSeconds(server.pid) ?? NaN) - cpuAtStart;
      if (kafkaPid !== undefined) kafkaSeconds = (readCpuSeconds(kafkaPid) ?? NaN) - kafkaAtStart;
      if (profile) process.kill(server.pid, 'SIGWINCH');
      sampler?.stop();
      producedAtEnd = produced();
      batchesAtEnd = batchStats(server);
    },
  });
  const [batchStart, batchEnd] = await Promise.all([batchesAtStart!, batchesAtEnd!]);
  const batches = batchEnd.batches - batchStart.batches;
  const messages = (await producedAtEnd!) - (await producedAtStart!);
  const samples = sampler?.samplesMb ?? [];
  server.rssSamplesMb.push(...samples);
  return {
    server: server.name,
    repetition,
    ...result,
    serverCores: round(cpuSeconds / result.seconds, 3),
    serverCpuMsPer1000Events: round((cpuSeconds * 1000 * 1000) / Math.max(1, result.events), 1),
    kafkaCores: round(kafkaSeconds / result.seconds, 3),
    kafkaMessagesPerSecond: round(messages / result.seconds, 1),
    kafkaMessagesPerEnvelope: round(messages / Math.max(1, result.envelopes), 2),
    batchesPerSecond: round(batches / result.seconds, 1),
    meanBatchAckMs: round(((batchEnd.seconds - batchStart.seconds) * 1000) / Math.max(1, batches), 2),
    rssMb: medianMax(samples),
  };
}

function medianPhase(phases: Phase[]): Phase {
  return [...phases].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor((phases.length - 1) / 2)];
}

function summarize(phases: Phase[], servers: Record<ServerName, Server>, options: IngestBenchOptions, bodies: PreparedBodies) {
  const of = (name: ServerName) => phases.filter((p) => p.server === name);
  const med = (name: ServerName, pick: (p: Phase) => number) => round(median(of(name).map(pick)), 2);
  const eventsPerS = med('ingest', (p) => p.eventsPerSecond);
  const baselineEventsPerS = med('baseline', (p) => p.eventsPerSecond);
  const nonSuccess = (name: ServerName) =>
    of(name).reduce<Record<string, number>>((all, p) => {
      for (const [status, count] of Object.entries(p.statuses)) if (!status.startsWith('2')) all[status] = (all[status] ?? 0) + count;
      return all;
    }, {});
  return {
    events_per_s: round(eventsPerS, 1),
    envelopes_per_s: med('ingest', (p) => p.envelopesPerSecond),
    baseline_events_per_s: round(baselineEventsPerS, 1),
    baseline_envelopes_per_s: med('baseline', (p) => p.envelopesPerSecond),
    ratio: round(eventsPerS / baselineEventsPerS, 3),
    p50_ms: med('ingest', (p) => p.p50Ms),
    p99_ms: med('ingest', (p) => p.p99Ms),
    baseline_p50_ms: med('baseline', (p) => p.p50Ms),
    baseline_p99_ms: med('baseline', (p) => p.p99Ms),
    rss_mb: { idle: servers.ingest.idleRssMb, ...medianMax(servers.ingest.rssSamplesMb) },
    baseline_rss_mb: { idle: servers.baseline.idleRssMb, ...medianMax(servers.baseline.rssSamplesMb) },
    server_cores: med('ingest', (p) => p.serverCores),
    baseline_server_cores: med('baseline', (p) => p.serverCores),
    cpu_ms_per_1000_events: med('ingest', (p) => p.serverCpuMsPer1000Events),
    baseline_cpu_ms_per_1000_events: med('baseline', (p) => p.serverCpuMsPer1000Events),
    client_cores: round(median(phases.map((p) => p.clientCores)), 3),
    kafka_cores: med('ingest', (p) => p.kafkaCores),
    kafka_messages_per_envelope: med('ingest', (p) => p.kafkaMessagesPerEnvelope),
    batches_per_s: med('ingest', (p) => p.batchesPerSecond),
    baseline_batches_per_s: med('baseline', (p) => p.batchesPerSecond),
    mean_batch_ack_ms: med('ingest', (p) => p.meanBatchAckMs),
    baseline_mean_batch_ack_ms: med('baseline', (p) => p.meanBatchAckMs),
    baseline_kafka_messages_per_envelope: med('baseline', (p) => p.kafkaMessagesPerEnvelope),
    baseline_kafka_cores: med('baseline', (p) => p.kafkaCores),
    non_2xx: nonSuccess('ingest'),
    baseline_non_2xx: nonSuccess('baseline'),
    repeat: options.repeat,
    seconds: options.seconds,
    connections: options.connections,
    events_per_envelope: bodies.eventsPerEnvelope,
  };
}

type Summary = ReturnType<typeof summarize>;

function printSummary(summary: Summary, phases: Phase[], outcomes: Record<string, number>, options: IngestBenchOptions): void {
  console.log('');
  console.log(`Ingest benchmark: one ingest process vs a bare Fastify + kafkajs baseline (median of ${options.repeat}, ${options.seconds} s each, ${options.connections} connections)`);
  printColumns(
    ['', 'ingest', 'baseline', 'ingest / baseline'],
    [
      ['events/s', fmt(summary.events_per_s), fmt(summary.baseline_events_per_s), summary.ratio.toFixed(2)],
      ['envelopes/s', fmt(summary.envelopes_per_s), fmt(summary.baseline_envelopes_per_s), (summary.envelopes_per_s / summary.baseline_envelopes_per_s).toFixed(2)],
      ['p50 (ms)', fmt(summary.p50_ms), fmt(summary.baseline_p50_ms), (summary.p50_ms / summary.baseline_p50_ms).toFixed(2)],
      ['p99 (ms)', fmt(summary.p99_ms), fmt(summary.baseline_p99_ms), (summary.p99_ms / summary.baseline_p99_ms).toFixed(2)],
      ['server CPU (cores)', fmt(summary.server_cores), fmt(summary.baseline_server_cores), ''],
      ['Kafka broker CPU (cores)', fmt(summary.kafka_cores), fmt(summary.baseline_kafka_cores), ''],
      ['Kafka messages per envelope', fmt(summary.kafka_messages_per_envelope), fmt(summary.baseline_kafka_messages_per_envelope), ''],
      ['Kafka batches/s, mean ack (ms)', `${fmt(summary.batches_per_s)}, ${fmt(summary.mean_batch_ack_ms)}`, `${fmt(summary.baseline_batches_per_s)}, ${fmt(summary.baseline_mean_batch_ack_ms)}`, ''],
      ['server CPU ms per 1,000 events', fmt(summary.cpu_ms_per_1000_events), fmt(summary.baseline_cpu_ms_per_1000_events), (summary.cpu_ms_per_1000_events / summary.baseline_cpu_ms_per_1000_events).toFixed(2)],
      ['RSS idle (MB)', fmt(summary.rss_mb.idle), fmt(summary.baseline_rss_mb.idle), ''],
      ['RSS median / max under load (MB)', `${fmt(summary.rss_mb.median)} / ${fmt(summary.rss_mb.max)}`, `${fmt(summary.baseline_rss_mb.median)} / ${fmt(summary.baseline_rss_mb.max)}`, ''],
      ['non-2xx answers (all phases)', JSON.stringify(summary.non_2xx), JSON.stringify(summary.baseline_non_2xx), ''],
    ],
    [false, true, true, true],
  );
  console.log('');
  console.log(`  client (this process) CPU: ${summary.client_cores} cores (median); events per envelope: ${summary.events_per_envelope}; target: ingest ≥ 70 % of baseline → ${summary.ratio >= 0.7 ? 'met' : 'MISSED'}`);
  console.log('');
  console.log('Phases');
  printColumns(
    ['phase', 'events/s', 'envelopes/s', 'p50 ms', 'p99 ms', 'max ms', 'server cores', 'Kafka cores', 'client cores', 'RSS max MB', 'statuses'],
    phases.map((p) => [`${p.server} ${p.repetition + 1}`, fmt(p.eventsPerSecond), fmt(p.envelopesPerSecond), fmt(p.p50Ms), fmt(p.p99Ms), fmt(p.maxMs), fmt(p.serverCores), fmt(p.kafkaCores), fmt(p.clientCores), fmt(p.rssMb.max), JSON.stringify(p.statuses)]),
    [false, true, true, true, true, true, true, true, true, true, false],
  );
  console.log('');
  console.log('Ingest outcomes (pulse_ingest_events_total, whole run incl. warm-ups)');
  printRows(Object.entries(outcomes).map(([label, value]) => [label, fmt(value)]));
}

interface BatchStats {
  batches: number;
  seconds: number;
}

/** Kafka batches sent so far and the summed time to their acknowledgement: ingest's /metrics, the baseline's /stats. */
async function batchStats(server: Server): Promise<BatchStats> {
  const url = `http://127.0.0.1:${server.port}`;
  if (server.name === 'baseline') return (await (await fetch(`${url}/stats`)).json()) as BatchStats;
  const text = await scrapeMetrics(url);
  return { batches: metricValue(text, 'pulse_ingest_produce_seconds_count'), seconds: metricValue(text, 'pulse_ingest_produce_seconds_sum') };
}

/** Sum of the end offsets of every record topic: messages produced so far. */
async function producedMessages(admin: Admin, topics: TopicNames): Promise<number> {
  const offsets = await Promise.all(Object.values(topics.records).map((topic) => admin.fetchTopicOffsets(topic)));
  return offsets.flat().reduce((sum, partition) => sum + Number(partition.high), 0);
}

/** pulse_ingest_events_total by kind and outcome, from the app's /metrics. */
async function ingestOutcomes(app: AppProcess): Promise<Record<string, number>> {
  const samples = metricSamples(await scrapeMetrics(app.url), 'pulse_ingest_events_total');
  return Object.fromEntries(samples.map(({ labels, value }) => [`${labels.kind} ${labels.outcome}`, value]));
}

runMain('pulse bench ingest', main);
