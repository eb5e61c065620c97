// Backlog mode's measured step: the built consumer app drains the produced backlog into a fresh
// database with a fresh consumer group, timed from the moment it is ready until its group has
// committed everything, with its CPU, RSS and heap followed over that window.
import { RecordKind } from '@pulse/model';
import { Tables } from '@pulse/storage';
import type { CpuProfileSummary } from '../cpu-profile';
import { mbOf, readCpuSeconds, readRssKb, RssSampler } from '../proc';
import { round } from '../stats';
import { countIn } from './baseline';
import type { Bench, BenchTopics } from './bench-context';
import { collectCpuProfile, connectedProgress, signalProfiler, startConsumer, stopConsumer, waitCaughtUp } from './consumer-app';
import { ConsumerMetricsFigures, consumerMetrics } from './consumer-metrics';
import { HeapFigures, HeapSampler, RSS_INTERVAL_MS, RssFigures, rssFigures } from './memory';

export interface ConsumerRun {
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
  heap: HeapFigures;
  metrics: ConsumerMetricsFigures;
  cpuProfile?: CpuProfileSummary;
}

export async function runConsumer(bench: Bench, topics: BenchTopics, repetition: number, build: 'consumer' | 'compare' = 'consumer'): Promise<ConsumerRun> {
  const { rows } = bench.options;
  const database = `bench_${bench.runId}_${build}_${repetition}`;
  const groupId = `bench_${bench.runId}_${build}_${repetition}`;
  const progress = await connectedProgress(bench, groupId, topics);
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
