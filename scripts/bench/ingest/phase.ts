import { round, medianMax, MedianMax } from '../stats';
import { metricValue } from '@pulse/testing';
import { scrapeMetrics } from '../prometheus';
import { readCpuSeconds, RssSampler } from '../proc';
import type { PreparedBodies } from './bodies';
import { ClosedLoopResult, runClosedLoop } from './closed-loop';
import type { IngestBenchOptions } from './options';
import { cpuSecondsBetween, cpuSecondsByPid, processSet, setRssKb } from './process-tree';

/** One server under test: the baseline, or the ingest app with a number of worker processes. */
export interface BenchServer {
  /** `baseline`, `ingest` (one process) or `ingest-<N>w` (a primary and N workers). */
  name: string;
  kind: 'baseline' | 'ingest';
  workers: number;
  port: number;
  /** The process started (the primary, with workers); its children are counted with it. */
  pid: number;
  idleRssMb: number;
  /** Summed RSS of its processes (MB, every 500 ms) over all of its measured windows. */
  rssSamplesMb: number[];
}

export interface Phase extends ClosedLoopResult {
  server: string;
  workers: number;
  repetition: number;
  /** Processes counted (primary + workers, or the one process). */
  processes: number;
  /** CPU the server's processes used in the window, in cores (1 = one core fully busy). */
  serverCores: number;
  /** Server CPU milliseconds per 1,000 events, summed over its processes: its cost per event, less sensitive to the machine's other load than throughput. */
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

/** One closed-loop window on one server, with its CPU (all of its processes), RSS, Kafka output and batches. */
export async function runPhase(
  server: BenchServer,
  repetition: number,
  options: IngestBenchOptions,
  bodies: Pick<PreparedBodies, 'requests'>,
  profile: boolean,
  kafkaPid: number | undefined,
  produced: () => Promise<number>,
): Promise<Phase> {
  let producedAtStart: Promise<number> | undefined;
  let producedAtEnd: Promise<number> | undefined;
  let batchesAtStart: Promise<BatchStats> | undefined;
  let batchesAtEnd: Promise<BatchStats> | undefined;
  let pids: number[] = [];
  let cpuAtStart = new Map<number, number>();
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
    // Each repetition starts elsewhere in the bodies; every server of a repetition sends the same ones.
    startIndex: Math.floor((repetition * bodies.requests.length) / Math.max(1, options.repeat)),
    onMeasureStart: () => {
      pids = processSet(server.pid);
      cpuAtStart = cpuSecondsByPid(pids);
      if (kafkaPid !== undefined) kafkaAtStart = readCpuSeconds(kafkaPid) ?? NaN;
      sampler = new RssSampler(() => setRssKb(processSet(server.pid)), 500);
      producedAtStart = produced();
      batchesAtStart = batchStats(server);
      if (profile) process.kill(server.pid, 'SIGWINCH');
    },
    onMeasureEnd: () => {
      cpuSeconds = cpuSecondsBetween(cpuAtStart, cpuSecondsByPid(pids));
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
    workers: server.workers,
    repetition,
    processes: pids.length,
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

interface BatchStats {
  batches: number;
  seconds: number;
}

/** Kafka batches sent so far and the summed time to their acknowledgement: ingest's /metrics (every worker's, aggregated), the baseline's /stats. */
async function batchStats(server: BenchServer): Promise<BatchStats> {
  const url = `http://127.0.0.1:${server.port}`;
  if (server.kind === 'baseline') return (await (await fetch(`${url}/stats`)).json()) as BatchStats;
  const text = await scrapeMetrics(url);
  return { batches: metricValue(text, 'pulse_ingest_produce_seconds_count'), seconds: metricValue(text, 'pulse_ingest_produce_seconds_sum') };
}
