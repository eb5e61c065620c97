import { formatNumber as fmt, printColumns, printRows } from '../table';
import { median, medianMax, round } from '../stats';
import type { PreparedBodies } from './bodies';
import type { OpenLoopResult } from './open-loop';
import type { IngestBenchOptions } from './options';
import type { BenchServer, Phase } from './phase';

/** The open-loop step of one server: 70 % of its own median closed-loop rate. */
export interface OpenLoopStep extends OpenLoopResult {
  server: string;
  /** The share of the measured maximum the schedule ran at. */
  share: number;
}

/** What the result file gives per ingest worker count (`by_workers["<N>"]`). */
export interface WorkerFigures {
  workers: number;
  processes: number;
  events_per_s: number;
  envelopes_per_s: number;
  /** events_per_s / the baseline's, same run. */
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  server_cores: number;
  /** Summed over the primary and every worker. */
  cpu_ms_per_1000_events: number;
  /** cpu_ms_per_1000_events / the baseline's. */
  cpu_ratio: number;
  rss_mb: { idle: number; median: number; max: number; samples: number };
  non_2xx: Record<string, number>;
  /** Open-loop p99 at 70 % of this server's maximum (null with --open-loop-seconds 0). */
  p99_ms_at_70pct: number | null;
  open_loop: OpenLoopFigures | null;
}

export interface OpenLoopFigures {
  share: number;
  target_envelopes_per_s: number;
  envelopes_per_s: number;
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  statuses: Record<string, number>;
  unanswered: number;
  client_lag_p99_ms: number;
}

function openLoopFigures(step: OpenLoopStep | undefined): OpenLoopFigures | null {
  if (!step) return null;
  return {
    share: step.share,
    target_envelopes_per_s: step.targetEnvelopesPerSecond,
    envelopes_per_s: step.envelopesPerSecond,
    events_per_s: step.eventsPerSecond,
    p50_ms: step.p50Ms,
    p99_ms: step.p99Ms,
    max_ms: step.maxMs,
    statuses: step.statuses,
    unanswered: step.unansweredAtEnd,
    client_lag_p99_ms: step.clientLagP99Ms,
  };
}

export function summarize(phases: Phase[], servers: BenchServer[], openLoop: OpenLoopStep[], options: IngestBenchOptions, bodies: PreparedBodies) {
  const of = (name: string) => phases.filter((p) => p.server === name);
  const med = (name: string, pick: (p: Phase) => number) => round(median(of(name).map(pick)), 2);
  const nonSuccess = (name: string) =>
    of(name).reduce<Record<string, number>>((all, p) => {
      for (const [status, count] of Object.entries(p.statuses)) if (!status.startsWith('2')) all[status] = (all[status] ?? 0) + count;
      return all;
    }, {});
  const baseline = servers.find((s) => s.kind === 'baseline')!;
  const ingestServers = servers.filter((s) => s.kind === 'ingest');
  const first = ingestServers[0];
  const baselineEventsPerS = med(baseline.name, (p) => p.eventsPerSecond);
  const baselineCpu = med(baseline.name, (p) => p.serverCpuMsPer1000Events);
  const stepOf = (name: string) => openLoop.find((s) => s.server === name);
  const figures = (server: BenchServer): WorkerFigures => {
    const eventsPerS = med(server.name, (p) => p.eventsPerSecond);
    const cpu = med(server.name, (p) => p.serverCpuMsPer1000Events);
    const step = stepOf(server.name);
    return {
      workers: server.workers,
      processes: Math.max(...of(server.name).map((p) => p.processes)),
      events_per_s: round(eventsPerS, 1),
      envelopes_per_s: med(server.name, (p) => p.envelopesPerSecond),
      ratio: round(eventsPerS / baselineEventsPerS, 3),
      p50_ms: med(server.name, (p) => p.p50Ms),
      p99_ms: med(server.name, (p) => p.p99Ms),
      server_cores: med(server.name, (p) => p.serverCores),
      cpu_ms_per_1000_events: cpu,
      cpu_ratio: round(cpu / baselineCpu, 3),
      rss_mb: { idle: server.idleRssMb, ...medianMax(server.rssSamplesMb) },
      non_2xx: nonSuccess(server.name),
      p99_ms_at_70pct: step ? step.p99Ms : null,
      open_loop: openLoopFigures(step),
    };
  };
  const byWorkers = Object.fromEntries(ingestServers.map((s) => [String(s.workers), figures(s)]));
  const main = byWorkers[String(first.workers)];
  const baselineStep = stepOf(baseline.name);
  return {
    // The first --workers value (default 1): the figures the suite has always read.
    workers: first.workers,
    events_per_s: main.events_per_s,
    envelopes_per_s: main.envelopes_per_s,
    baseline_events_per_s: round(baselineEventsPerS, 1),
    baseline_envelopes_per_s: med(baseline.name, (p) => p.envelopesPerSecond),
    ratio: main.ratio,
    p50_ms: main.p50_ms,
    p99_ms: main.p99_ms,
    baseline_p50_ms: med(baseline.name, (p) => p.p50Ms),
    baseline_p99_ms: med(baseline.name, (p) => p.p99Ms),
    p99_ms_at_70pct: main.p99_ms_at_70pct,
    baseline_p99_ms_at_70pct: baselineStep ? baselineStep.p99Ms : null,
    rss_mb: main.rss_mb,
    baseline_rss_mb: { idle: baseline.idleRssMb, ...medianMax(baseline.rssSamplesMb) },
    server_cores: main.server_cores,
    baseline_server_cores: med(baseline.name, (p) => p.serverCores),
    cpu_ms_per_1000_events: main.cpu_ms_per_1000_events,
    baseline_cpu_ms_per_1000_events: baselineCpu,
    cpu_ratio: main.cpu_ratio,
    client_cores: round(median(phases.map((p) => p.clientCores)), 3),
    kafka_cores: med(first.name, (p) => p.kafkaCores),
    kafka_messages_per_envelope: med(first.name, (p) => p.kafkaMessagesPerEnvelope),
    batches_per_s: med(first.name, (p) => p.batchesPerSecond),
    baseline_batches_per_s: med(baseline.name, (p) => p.batchesPerSecond),
    mean_batch_ack_ms: med(first.name, (p) => p.meanBatchAckMs),
    baseline_mean_batch_ack_ms: med(baseline.name, (p) => p.meanBatchAckMs),
    baseline_kafka_messages_per_envelope: med(baseline.name, (p) => p.kafkaMessagesPerEnvelope),
    baseline_kafka_cores: med(baseline.name, (p) => p.kafkaCores),
    non_2xx: main.non_2xx,
    baseline_non_2xx: nonSuccess(baseline.name),
    by_workers: byWorkers,
    baseline_open_loop: openLoopFigures(baselineStep),
    repeat: options.repeat,
    seconds: options.seconds,
    connections: options.connections,
    events_per_envelope: bodies.eventsPerEnvelope,
  };
}

export type Summary = ReturnType<typeof summarize>;

export function printSummary(summary: Summary, phases: Phase[], openLoop: OpenLoopStep[], outcomes: Record<string, number>, options: IngestBenchOptions): void {
  const columns = Object.values(summary.by_workers);
  const b = summary;
  const ratio = (a: number, base: number) => (a / base).toFixed(2);
  console.log('');
  console.log(`Ingest benchmark: ingest (${columns.map((c) => `${c.workers} worker${c.workers > 1 ? 's' : ''}`).join(', ')}) vs a bare Fastify + kafkajs baseline (median of ${options.repeat}, ${options.seconds} s each, ${options.connections} connections)`);
  const cell = (pick: (c: (typeof columns)[number]) => string) => columns.map(pick);
  printColumns(
    ['', ...columns.map((c) => `ingest ×${c.workers}`), 'baseline', ...columns.map((c) => `×${c.workers} / baseline`)],
    [
      ['events/s', ...cell((c) => fmt(c.events_per_s)), fmt(b.baseline_events_per_s), ...cell((c) => c.ratio.toFixed(2))],
      ['envelopes/s', ...cell((c) => fmt(c.envelopes_per_s)), fmt(b.baseline_envelopes_per_s), ...cell((c) => ratio(c.envelopes_per_s, b.baseline_envelopes_per_s))],
      ['p50 / p99 (ms), closed loop', ...cell((c) => `${fmt(c.p50_ms)} / ${fmt(c.p99_ms)}`), `${fmt(b.baseline_p50_ms)} / ${fmt(b.baseline_p99_ms)}`, ...cell((c) => ratio(c.p99_ms, b.baseline_p99_ms))],
      ['p99 (ms) at 70 % of own max, open loop', ...cell((c) => fmt(c.p99_ms_at_70pct ?? NaN)), fmt(b.baseline_p99_ms_at_70pct ?? NaN), ...cell(() => '')],
      ['server CPU (cores, all processes)', ...cell((c) => fmt(c.server_cores)), fmt(b.baseline_server_cores), ...cell(() => '')],
      ['server CPU ms per 1,000 events', ...cell((c) => fmt(c.cpu_ms_per_1000_events)), fmt(b.baseline_cpu_ms_per_1000_events), ...cell((c) => c.cpu_ratio.toFixed(2))],
      ['RSS idle (MB, all processes)', ...cell((c) => fmt(c.rss_mb.idle)), fmt(b.baseline_rss_mb.idle), ...cell(() => '')],
      ['RSS median / max under load (MB)', ...cell((c) => `${fmt(c.rss_mb.median)} / ${fmt(c.rss_mb.max)}`), `${fmt(b.baseline_rss_mb.median)} / ${fmt(b.baseline_rss_mb.max)}`, ...cell(() => '')],
      ['non-2xx answers (all phases)', ...cell((c) => JSON.stringify(c.non_2xx)), JSON.stringify(b.baseline_non_2xx), ...cell(() => '')],
    ],
    [false, ...columns.map(() => true), true, ...columns.map(() => true)],
  );
  console.log('');
  console.log(
    `  ×${b.workers}: Kafka broker ${b.kafka_cores} cores, ${b.kafka_messages_per_envelope} messages per envelope, ${b.batches_per_s} batches/s acknowledged in ${b.mean_batch_ack_ms} ms ` +
      `(baseline: ${b.baseline_kafka_cores} cores, ${b.baseline_kafka_messages_per_envelope}, ${b.baseline_batches_per_s} batches/s in ${b.baseline_mean_batch_ack_ms} ms)`,
  );
  console.log(`  client (this process) CPU: ${b.client_cores} cores (median); events per envelope: ${b.events_per_envelope}; target: ingest ×${b.workers} ≥ 1.0 × baseline events/s → ${b.ratio >= 1 ? 'met' : 'MISSED'}`);
  console.log('');
  console.log('Phases (closed loop)');
  printColumns(
    ['phase', 'events/s', 'envelopes/s', 'p50 ms', 'p99 ms', 'max ms', 'server cores', 'processes', 'Kafka cores', 'client cores', 'RSS max MB', 'statuses'],
    phases.map((p) => [`${p.server} ${p.repetition + 1}`, fmt(p.eventsPerSecond), fmt(p.envelopesPerSecond), fmt(p.p50Ms), fmt(p.p99Ms), fmt(p.maxMs), fmt(p.serverCores), String(p.processes), fmt(p.kafkaCores), fmt(p.clientCores), fmt(p.rssMb.max), JSON.stringify(p.statuses)]),
    [false, true, true, true, true, true, true, true, true, true, true, false],
  );
  if (openLoop.length > 0) {
    console.log('');
    console.log('Open loop at 70 % of each server\'s median closed-loop rate (latency from the scheduled start)');
    printColumns(
      ['server', 'target env/s', 'env/s', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'unanswered', 'client lag p99 ms', 'statuses'],
      openLoop.map((s) => [s.server, fmt(s.targetEnvelopesPerSecond), fmt(s.envelopesPerSecond), fmt(s.eventsPerSecond), fmt(s.p50Ms), fmt(s.p99Ms), fmt(s.maxMs), String(s.unansweredAtEnd), fmt(s.clientLagP99Ms), JSON.stringify(s.statuses)]),
      [false, true, true, true, true, true, true, true, true, false],
    );
  }
  console.log('');
  console.log(`Ingest outcomes (pulse_ingest_events_total of ingest ×${b.workers}, whole run incl. warm-ups)`);
  printRows(Object.entries(outcomes).map(([label, value]) => [label, fmt(value)]));
}
