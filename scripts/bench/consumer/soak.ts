// Soak mode (--soak-seconds): the consumer starts on an empty topic and records are produced at a
// fixed rate while it runs, to see whether its memory settles or grows; then the lag left when
// production stops and the time to drain it.
import { RecordKind } from '@pulse/model';
import { Tables } from '@pulse/storage';
import { mbOf, readRssKb, RssSampler } from '../proc';
import { round } from '../stats';
import { countIn } from './baseline';
import { Bench, createTopics, generator, log, newProducer, SEND_MESSAGES, sendRecords } from './bench-context';
import { connectedProgress, startConsumer, stopConsumer, waitCaughtUp } from './consumer-app';
import { ConsumerMetricsFigures, consumerMetrics } from './consumer-metrics';
import { HeapFigures, HeapSampler, RSS_INTERVAL_MS, RssFigures, rssFigures } from './memory';

export interface SoakRun {
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
  heap: HeapFigures;
  metrics: ConsumerMetricsFigures;
}

/** The consumer on an empty topic, then production at a fixed rate for the soak's length. */
export async function runSoak(bench: Bench): Promise<SoakRun> {
  const { soakSeconds, rate } = bench.options;
  const topics = await createTopics(bench, `bench_${bench.runId}_soak.`);
  const database = `bench_${bench.runId}_soak`;
  const groupId = `bench_${bench.runId}_soak`;
  const topic = topics.names.records[RecordKind.Transaction];
  const progress = await connectedProgress(bench, groupId, topics);
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
