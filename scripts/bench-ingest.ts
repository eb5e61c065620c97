// Ingest throughput benchmark (`npm run bench:ingest -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-ingest.js [--seconds 20] [--warmup-seconds 3] [--prime-seconds 10] [--connections 64] [--repeat 3]
//                                     [--bodies 10000] [--projects 3] [--seed 42] [--partitions 4] [--mix error=1]
//                                     [--workers 1,2] [--open-loop-seconds 15] [--cpu-prof-dir DIR] [--out FILE]
//                                     [--span-formats envelope,spans-v2,otlp-proto,otlp-json,otlp-proto-batch,otlp-json-batch|none]
//                                     [--span-seconds 10] [--span-traces 20000] [--span-batch-traces 200] [--span-batch-connections 4]
//
// How many envelopes and events per second the ingest app sustains with each INGEST_WORKERS of
// --workers (1: one process; N: a cluster primary and N workers on one port), its CPU per event
// (summed over every process), and its response times, against a baseline measured in the same
// run: a bare Fastify + kafkajs server
// (scripts/bench/ingest/baseline-server.ts) that only splits the envelope, JSON.parses its lines,
// and produces each stored item to the same topics with the same producer settings. Both get the
// same closed-loop client (N keep-alive connections, warm-up, fixed window) and the same envelope
// bodies, generated once before any timing by the load generator (@pulse/loadgen's Workload).
// Phases rotate (B I1 I2, I1 I2 B, I2 B I1, …) and medians are reported. Then each server gets an
// open-loop step at 70 % of its own median rate, its p99 measured from each request's scheduled
// start. An "event" is the load
// generator's: one transaction, one error or one session update (a late Web Vitals envelope is
// an envelope but no event). Last, the span-format comparison (scripts/bench/ingest/span-formats.ts):
// the same server traces to the first ingest server as a classic transaction envelope, a span-v2
// envelope, OTLP protobuf and OTLP/JSON one trace per request and in batches of traces, rotated
// windows, CPU per 1,000 spans and its ratio to the envelope's (docs/benchmarks.md, "OTLP against
// Sentry envelopes").
//
// A local Kafka starts under .local/bench-ingest (wiped first) on port 29192 unless KAFKA_BROKERS
// is set; ClickHouse is not needed. Everything listens on 127.0.0.1 and is stopped at the end,
// also on failure or Ctrl-C. Results: a table on stdout, JSON in bench/results/<timestamp>-ingest.json
// (or --out).
import { createKafka, ensureTopics, TopicNames } from '@pulse/kafka';
import { AppProcess, freePorts, LocalKafka, ServerProcess, waitUntil } from '@pulse/local-infra';
import type { Admin } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { machine, saveResult } from './bench/report';
import { formatMix } from '@pulse/loadgen';
import { prepareRequests } from './bench/ingest/bodies';
import { runClosedLoop } from './bench/ingest/closed-loop';
import { CpuProfileSummary, installCpuProfileHook, printCpuProfileSummary, profilesOf, summarizeCpuProfile } from './bench/cpu-profile';
import { readIngestOptions } from './bench/ingest/options';
import { runOpenLoop } from './bench/ingest/open-loop';
import { BenchServer, Phase, runPhase } from './bench/ingest/phase';
import { setRssKb, processSet } from './bench/ingest/process-tree';
import { OpenLoopStep, printSummary, summarize } from './bench/ingest/summary';
import { prepareSpanFormatRequests, SpanFormatBodies } from './bench/ingest/span-bodies';
import { checkSpanFormatsAccepted, printSpanFormats, runSpanFormatPhases, spanFormatConnections, SpanFormatPhase, summarizeSpanFormats } from './bench/ingest/span-formats';
import { mbOf } from './bench/proc';
import { metricSamples, metricValue } from '@pulse/testing';
import { scrapeMetrics } from './bench/prometheus';
import { median } from './bench/stats';
import { stopOnSignal } from './bench/stop-on-signal';
import { runMain } from './bench/run-main';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench ingest: ${line}`);
const KAFKA_PORT = 29192;
const BASELINE_SCRIPT = join('dist', 'scripts', 'bench', 'ingest', 'baseline-server.js');
/** The open-loop step's rate, as a share of each server's median closed-loop rate. */
const OPEN_LOOP_SHARE = 0.7;

const serverName = (workers: number): string => (workers === 1 ? 'ingest' : `ingest-${workers}w`);

async function main(): Promise<number> {
  const options = readIngestOptions();
  checkPrerequisites(root, [appMain('ingest'), BASELINE_SCRIPT]);
  const startedAt = new Date();
  const stateDir = join(root, '.local', 'bench-ingest');
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  const external = process.env.KAFKA_BROKERS || undefined;
  const kafkaService = external ? undefined : new LocalKafka({ port: KAFKA_PORT, stateDir: join(stateDir, 'kafka'), log });
  const ingests = new Map<number, AppProcess>();
  let baseline: ServerProcess | undefined;
  let admin: Admin | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await admin?.disconnect().catch(() => undefined);
      await Promise.allSettled([...[...ingests.values()].map((app) => app.stop()), baseline?.stop()]);
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

    log(`generating ${options.bodies.toLocaleString('en-US')} envelope bodies (seed ${options.seed}, ${options.projects} projects, mix ${formatMix(options.mix)})…`);
    const bodies = prepareRequests({ count: options.bodies, seed: options.seed, mix: options.mix, projects });
    log(
      `  ${bodies.requests.length.toLocaleString('en-US')} bodies in ${bodies.generationSeconds} s: ${bodies.eventsPerEnvelope} events and ` +
        `${bodies.meanBodyBytes.toLocaleString('en-US')} bytes per envelope on average; by kind ${JSON.stringify(bodies.envelopesByKind)}`,
    );
    let spanBodies: SpanFormatBodies | undefined;
    if (options.spanFormats.length > 0) {
      log(`generating ${options.spanTraces.toLocaleString('en-US')} server traces in each span format (${options.spanFormats.join(', ')})…`);
      spanBodies = prepareSpanFormatRequests({ count: options.spanTraces, seed: options.seed, formats: options.spanFormats, projects, nowMs: Date.now(), tracesPerBatch: options.spanBatchTraces });
      log(`  ${spanBodies.spans.toLocaleString('en-US')} spans (${spanBodies.spansPerTrace} per trace) in ${spanBodies.generationSeconds} s; body bytes per span ${JSON.stringify(spanBodies.bodyBytesPerSpan)}`);
      log(`  requests per format ${JSON.stringify(Object.fromEntries(options.spanFormats.map((f) => [f, spanBodies!.requests[f].length])))}; spans per request ${JSON.stringify(spanBodies.spansPerRequest)}`);
    }

    const ports = await freePorts(options.workers.length + 1);
    const baselinePort = ports[options.workers.length];
    const commonEnv: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(options.partitions),
      PULSE_CONFIG: configPath,
      PULSE_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    // Profiles (SIGWINCH toggles the inspector) are taken of a one-process ingest only.
    const profiled = options.cpuProfDir && options.workers[0] === 1 ? options.workers[0] : undefined;
    const profiler = profiled !== undefined ? installCpuProfileHook(stateDir, 'ingest', options.cpuProfDir!) : undefined;
    if (options.cpuProfDir) {
      mkdirSync(options.cpuProfDir, { recursive: true });
      log(profiler ? `ingest CPU profiles (each measured window) go to ${options.cpuProfDir}` : '--cpu-prof-dir needs --workers to start with 1: no profiles');
    }
    options.workers.forEach((workers, i) => {
      const name = serverName(workers);
      ingests.set(
        workers,
        new AppProcess({
          app: 'ingest',
          root,
          port: ports[i],
          env: {
            ...commonEnv,
            INGEST_PORT: String(ports[i]),
            INGEST_WORKERS: String(workers),
            NODE_OPTIONS: [process.env.NODE_OPTIONS, workers === profiled ? profiler?.nodeOption : undefined].filter(Boolean).join(' '),
            ...(workers === profiled ? profiler?.env : {}),
          },
          onLine: (_app, line) => console.log(`[${name}] ${line}`),
        }),
      );
    });
    baseline = new ServerProcess({
      name: 'baseline',
      script: join(root, BASELINE_SCRIPT),
      port: baselinePort,
      env: { ...commonEnv, BASELINE_PORT: String(baselinePort), BASELINE_KEYS: JSON.stringify(Object.fromEntries(projects.map((p) => [p.key, p.id]))) },
      onLine: (line) => console.log(`[baseline] ${line}`),
    });
    await Promise.all([...[...ingests.values()].map((app) => app.start()), baseline.start()]);
    // /ready answers once the first worker listens: wait until every worker does.
    for (const [workers, app] of ingests) {
      if (workers > 1) await waitUntil(`${serverName(workers)} running all its workers`, async () => metricValue(await scrapeMetrics(app.url), 'pulse_ingest_workers') === workers, { timeoutMs: 60_000, intervalMs: 200 });
    }
    const kafkaPid = kafkaService ? Number(readFileSync(kafkaService.pidFile, 'utf8').trim()) : undefined;
    const describe = (name: string, kind: BenchServer['kind'], workers: number, app: ServerProcess, port: number): BenchServer => ({
      name,
      kind,
      workers,
      port,
      pid: app.pid!,
      idleRssMb: mbOf(setRssKb(processSet(app.pid!))),
      rssSamplesMb: [],
    });
    const servers: BenchServer[] = [
      describe('baseline', 'baseline', 1, baseline, baselinePort),
      ...options.workers.map((workers, i) => describe(serverName(workers), 'ingest', workers, ingests.get(workers)!, ports[i])),
    ];
    log(servers.map((s) => `${s.name} on port ${s.port} (pid ${s.pid}, ${processSet(s.pid).length} processes)`).join(', '));
    // The span formats go to the first ingest server: the same process for every format.
    const spanServer = servers.find((s) => s.kind === 'ingest')!;
    if (spanBodies) await checkSpanFormatsAccepted(spanServer.port, options.spanFormats, spanBodies);

    if (options.primeSeconds > 0) {
      // Unmeasured: a fresh broker and fresh processes get their JIT and connections warm first.
      for (const server of servers) {
        log(`priming ${server.name}: ${options.primeSeconds} s of load, not measured…`);
        const priming = await runClosedLoop({ port: server.port, connections: options.connections, warmupMs: 0, durationMs: options.primeSeconds * 1000, requests: bodies.requests });
        log(`  ${priming.eventsPerSecond.toLocaleString('en-US')} events/s; statuses ${JSON.stringify(priming.statuses)}`);
      }
    }
    const phases: Phase[] = [];
    for (let repetition = 0; repetition < options.repeat; repetition++) {
      // Rotate the order so no server always runs first or last (on a broker with more data).
      const order = servers.map((_, i) => servers[(i + repetition) % servers.length]);
      for (const server of order) {
        log(`${server.name} ${repetition + 1}/${options.repeat}: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.seconds} s…`);
        const phase = await runPhase(server, repetition, options, bodies, server.kind === 'ingest' && server.workers === profiled, kafkaPid, () => producedMessages(kafkaAdmin, topics));
        phases.push(phase);
        log(
          `  ${phase.eventsPerSecond.toLocaleString('en-US')} events/s, ${phase.envelopesPerSecond.toLocaleString('en-US')} envelopes/s, ` +
            `p50 ${phase.p50Ms} ms, p99 ${phase.p99Ms} ms; statuses ${JSON.stringify(phase.statuses)}; server ${phase.serverCores} cores (${phase.processes} processes), client ${phase.clientCores} cores; RSS max ${phase.rssMb.max} MB`,
        );
      }
    }

    const openLoop: OpenLoopStep[] = [];
    if (options.openLoopSeconds > 0) {
      for (const server of servers) {
        const envelopesPerSecond = OPEN_LOOP_SHARE * median(phases.filter((p) => p.server === server.name).map((p) => p.envelopesPerSecond));
        log(`${server.name} open loop: ${Math.round(envelopesPerSecond)} envelopes/s (${OPEN_LOOP_SHARE * 100} % of its median), ${options.warmupSeconds} s warm-up + ${options.openLoopSeconds} s…`);
        const step = await runOpenLoop({ port: server.port, envelopesPerSecond, warmupMs: options.warmupSeconds * 1000, durationMs: options.openLoopSeconds * 1000, requests: bodies.requests });
        openLoop.push({ server: server.name, share: OPEN_LOOP_SHARE, ...step });
        log(`  ${step.envelopesPerSecond} envelopes/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, max ${step.maxMs} ms; statuses ${JSON.stringify(step.statuses)}; client lag p99 ${step.clientLagP99Ms} ms`);
      }
    }

    const spanPhases: SpanFormatPhase[] = [];
    if (spanBodies) {
      for (const format of options.primeSeconds > 0 ? options.spanFormats : []) {
        const seconds = options.primeSeconds / options.spanFormats.length;
        log(`priming ${spanServer.name} with ${format}: ${seconds} s, not measured…`);
        await runClosedLoop({ port: spanServer.port, connections: spanFormatConnections(format, options), warmupMs: 0, durationMs: seconds * 1000, requests: spanBodies.requests[format] });
      }
      const produced = () => producedMessages(kafkaAdmin, topics);
      spanPhases.push(...(await runSpanFormatPhases({ server: spanServer, formats: options.spanFormats, bodies: spanBodies, bench: options, kafkaPid, produced, log })));
    }

    const firstIngest = ingests.get(options.workers[0])!;
    const outcomes = await ingestOutcomes(firstIngest.url);
    let cpuProfile: CpuProfileSummary | undefined;
    if (profiler) {
      const pid = firstIngest.pid!;
      await waitUntil('ingest CPU profiles written', async () => profilesOf(options.cpuProfDir!, 'ingest', pid).length >= options.repeat, { timeoutMs: 60_000, intervalMs: 200 });
      const files = profilesOf(options.cpuProfDir!, 'ingest', pid);
      const profiledPhases = phases.filter((p) => p.server === 'ingest');
      profiledPhases.forEach((phase, i) => (phase.cpuProfile = relative(process.cwd(), files[i]) || files[i]));
      // The profile of the ingest phase with the median throughput.
      const representative = [...profiledPhases].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor((profiledPhases.length - 1) / 2)];
      cpuProfile = summarizeCpuProfile(resolve(representative.cpuProfile!));
    }
    await Promise.all([...[...ingests.values()].map((app) => app.stop()), baseline.stop()]);

    const summary = summarize(phases, servers, openLoop, options, bodies);
    printSummary(summary, phases, openLoop, outcomes, options);
    const spanSummary = spanBodies && summarizeSpanFormats(spanPhases, spanServer, options.spanFormats, spanBodies, options);
    if (spanSummary) printSpanFormats(spanSummary, spanPhases);
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
      bodies: { count: bodies.requests.length, mix: options.mix, generation_seconds: bodies.generationSeconds, events_per_envelope: bodies.eventsPerEnvelope, mean_body_bytes: bodies.meanBodyBytes, envelopes_by_kind: bodies.envelopesByKind, records_per_envelope: bodies.recordsPerEnvelope },
      ingest_outcomes: outcomes,
      phases,
      open_loop: openLoop,
      ...(spanSummary && { span_formats: { ...spanSummary, phases: spanPhases } }),
      ...(cpuProfile && { cpu_profile: cpuProfile }),
    };
    saveResult(log, root, 'ingest', startedAt, result, options.out);
    return 0;
  } finally {
    await cleanUp();
  }
}

/** Sum of the end offsets of every record topic: messages produced so far. */
async function producedMessages(admin: Admin, topics: TopicNames): Promise<number> {
  const offsets = await Promise.all(Object.values(topics.records).map((topic) => admin.fetchTopicOffsets(topic)));
  return offsets.flat().reduce((sum, partition) => sum + Number(partition.high), 0);
}

/** pulse_ingest_events_total by kind and outcome, from the app's /metrics (every worker's). */
async function ingestOutcomes(url: string): Promise<Record<string, number>> {
  const samples = metricSamples(await scrapeMetrics(url), 'pulse_ingest_events_total');
  return Object.fromEntries(samples.map(({ labels, value }) => [`${labels.kind} ${labels.outcome}`, value]));
}

runMain('pulse bench ingest', main);
