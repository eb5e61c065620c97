import { formatNumber as fmt, printColumns, printRows } from '../bench/table';
import type { LogCopy } from './kafka-census';
import { reconcile, Reconciliation } from './ledger';
import type { ScenarioRun } from './scenarios';
import { formatWindows, relativeWindow } from './windows';

export interface LostOrDoubled {
  event_id: string;
  kind: string;
  project: number;
  /** `transactions/2`: the partition the project's records of this kind went to. */
  partition: string;
  sent_s: number;
  answered_s: number;
  status: number;
  /** `topic/partition@offset` of each copy in the log; empty: never written. */
  in_kafka: string[];
}

/** A scenario's figures as the result file keeps them, with its verdict. */
export interface ScenarioResult {
  scenario: string;
  what: string;
  passed: boolean;
  /** Why it failed (lost or doubled events, a backlog never stored, an app that died). */
  reasons: string[];
  fault: Record<string, unknown>;
  load: { requests_per_s: number; seconds: number; skipped: number; latency_ms: ScenarioRun['latencyMs'] };
  reconciliation: Omit<Reconciliation, 'otherStatuses'> & { other_statuses: Record<string, number>; by_kind: Record<string, Reconciliation> };
  /** Samples of the lost and doubled events: where their project's records go, when they were sent and answered (s from the fault), their copies in the Kafka log. */
  lost_samples: LostOrDoubled[];
  doubled_samples: LostOrDoubled[];
  /** Times relative to the fault, seconds. */
  timeline_s: Record<string, number>;
  windows_503: ReturnType<typeof relativeWindow>[];
  cluster_unwritable_windows: ReturnType<typeof relativeWindow>[];
  metadata_unreadable_windows: ReturnType<typeof relativeWindow>[];
  unavailable_while_writable: number;
  retry_after: Record<string, number>;
  leader_changes: string[];
  drained: boolean;
  consumer_lag_max: number;
  rss_mb: ScenarioRun['rssMb'];
}

export function scenarioResult(run: ScenarioRun, rows: ReadonlyMap<string, number>, log: ReadonlyMap<string, LogCopy[]>, rate: number, appExits: string[]): ScenarioResult {
  const logCopies = new Map([...log].map(([id, copies]) => [id, copies.length]));
  const { otherStatuses, ...all } = reconcile(run.events, rows, logCopies);
  const byKind = Object.fromEntries(['transaction', 'error'].map((kind) => [kind, reconcile(run.events.filter((e) => e.kind === kind), rows, logCopies)]));
  const { times } = run;
  const rel = (ms: number | undefined): number => (ms === undefined ? NaN : Math.round((ms - times.faultMs) / 100) / 10);
  // Every event of a project and kind goes to one partition (key = project id): where the others went tells where a lost one was headed.
  const partitionOf = new Map<string, string>();
  for (const e of run.events) {
    const copy = log.get(e.eventId)?.[0];
    if (copy) partitionOf.set(`${e.kind}/${e.projectId}`, `${copy.topic.slice(copy.topic.lastIndexOf('.') + 1)}/${copy.partition}`);
  }
  const byId = new Map(run.events.map((e) => [e.eventId, e]));
  const where = (ids: string[]): LostOrDoubled[] =>
    ids.map((id) => {
      const e = byId.get(id)!;
      return { event_id: id, kind: e.kind, project: e.projectId, partition: partitionOf.get(`${e.kind}/${e.projectId}`) ?? '?', sent_s: rel(e.sentAtMs), answered_s: rel(e.answeredAtMs), status: e.status ?? 0, in_kafka: (log.get(id) ?? []).map((c) => `${c.topic.slice(c.topic.lastIndexOf('.') + 1)}/${c.partition}@${c.offset}`) };
    });
  const reasons: string[] = [];
  if (all.lost > 0) reasons.push(`${all.lost} events answered 200 were not stored`);
  if (all.doubled > 0) reasons.push(`${all.doubled} events were stored more than once (${all.extraRows} extra rows)`);
  if (!run.drained) reasons.push('the consumer lag did not reach 0 in time');
  if (appExits.length > 0) reasons.push(`apps exited: ${appExits.join('; ')}`);
  if (all.sent === 0 || all.ok === 0) reasons.push('no event was accepted: the run shows nothing');
  return {
    scenario: run.name,
    what: run.what,
    passed: reasons.length === 0,
    reasons,
    fault: run.fault,
    load: { requests_per_s: rate, seconds: Math.round((times.loadEndMs - times.loadStartMs) / 1000), skipped: run.skipped, latency_ms: run.latencyMs },
    reconciliation: { ...all, other_statuses: otherStatuses, by_kind: byKind },
    lost_samples: where(all.lostIds),
    doubled_samples: where(all.doubledIds),
    timeline_s: { load_start: rel(times.loadStartMs), fault: 0, recovery: rel(times.recoveryMs), recovered: rel(times.recoveredMs), load_end: rel(times.loadEndMs), drained: rel(times.drainedMs) },
    windows_503: run.windows503.map((w) => relativeWindow(w, times.faultMs)),
    cluster_unwritable_windows: run.unwritable.map((w) => relativeWindow(w, times.faultMs)),
    metadata_unreadable_windows: run.blind.map((w) => relativeWindow(w, times.faultMs)),
    unavailable_while_writable: run.unavailableWhileWritable,
    retry_after: run.retryAfter,
    leader_changes: run.leaderChanges,
    drained: run.drained,
    consumer_lag_max: run.lagMax,
    rss_mb: run.rssMb,
  };
}

export function printScenario(result: ScenarioResult, run: ScenarioRun): void {
  const r = result.reconciliation;
  console.log('');
  console.log(`Scenario ${result.scenario}: ${result.what} — ${result.passed ? 'PASSED' : `FAILED (${result.reasons.join('; ')})`}`);
  printColumns(
    ['sent', '200', '503', 'other', 'no answer', 'skipped', 'stored', 'lost', 'doubled', '503 stored', 'twice in Kafka', 'lag max', 'ingest RSS max', 'consumer RSS max'],
    [[fmt(r.sent), fmt(r.ok), fmt(r.unavailable), fmt(r.other), fmt(r.noAnswer), fmt(result.load.skipped), fmt(r.stored), fmt(r.lost), fmt(r.doubled), fmt(r.storedDespiteFailure), fmt(r.copiedInKafka), fmt(result.consumer_lag_max), `${fmt(result.rss_mb.ingest.max)} MB`, `${fmt(result.rss_mb.consumer.max)} MB`]],
    Array(14).fill(true),
  );
  const t = result.timeline_s;
  printRows([
    ['fault', JSON.stringify(result.fault)],
    ['timeline (s from the fault)', `load ${t.load_start}, fault 0, undone +${t.recovery}, back +${t.recovered}, load end +${t.load_end}, stored +${t.drained}`],
    ['503 windows (answers)', formatWindows(run.windows503, run.times.faultMs)],
    ['cluster could not take writes', formatWindows(run.unwritable, run.times.faultMs)],
    ['metadata unreadable', formatWindows(run.blind, run.times.faultMs)],
    ['503 while the cluster could write', fmt(result.unavailable_while_writable)],
    ['Retry-After of the 503s', JSON.stringify(result.retry_after)],
    ['answer latency p50 / p99 / max (ms)', `${fmt(result.load.latency_ms.p50)} / ${fmt(result.load.latency_ms.p99)} / ${fmt(result.load.latency_ms.max)}`],
    ['leader changes', result.leader_changes.join('; ') || 'none'],
    ...(['ingest', 'consumer'] as const).map((app): [string, string] => {
      const m = result.rss_mb[app];
      return [`${app} RSS max before / fault 1st half / 2nd half / after (MB)`, `${fmt(m.before)} / ${fmt(m.during_first_half)} / ${fmt(m.during_second_half)} / ${fmt(m.after)}`];
    }),
  ]);
  const show = (samples: LostOrDoubled[]): string =>
    samples.map((e) => `${e.event_id} (${e.kind} of project ${e.project} → ${e.partition}, sent ${e.sent_s} s, answered ${e.status} at ${e.answered_s} s; in Kafka: ${e.in_kafka.join(', ') || 'nowhere'})`).join('\n    ');
  if (r.lostIds.length > 0) console.log(`  lost (${r.lostButInKafka} of ${r.lost} are in Kafka), e.g.\n    ${show(result.lost_samples)}`);
  if (r.doubledIds.length > 0) console.log(`  doubled, e.g.\n    ${show(result.doubled_samples)}`);
  if (r.copiedInKafka > 0) console.log(`  ${r.copiedInKafka} events are in Kafka more than once (a produce retried after its acknowledgement was lost); ${r.copiedInKafkaStoredOnce} of them stored once all the same`);
}
