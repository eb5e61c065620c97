import { RECORD_KINDS, RecordKind } from '@pulse/model';
import type { LatencySummary, LoadProgress, LoadSummary } from './load-stats';
import { ENVELOPE_KINDS, formatMix } from './mix';

const fixed = (value: number, decimals = 1): string => value.toFixed(decimals);
const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
/** `webVitals` → `web vitals`. */
const kindLabel = (kind: RecordKind): string => kind.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);

/** One progress line (the CLI writes it to stderr once a second). */
export function formatProgress(progress: LoadProgress): string {
  return [
    `loadgen ${fixed(progress.elapsedS).padStart(6)}s`,
    `sent ${progress.sent}`,
    `(${fixed(progress.envelopesPerS)} env/s, ${fixed(progress.eventsPerS)} ev/s)`,
    `accepted ${progress.accepted}`,
    `rejected ${progress.rejected}`,
    `net-err ${progress.networkErrors}`,
    `behind ${progress.behind}`,
    `in-flight ${progress.inFlight}`,
    `p50 ${fixed(progress.p50Ms)} ms`,
    `p99 ${fixed(progress.p99Ms)} ms`,
  ].join('  ');
}

function formatLatency(latency: LatencySummary): string {
  if (latency.count === 0) return 'none';
  return `p50 ${fixed(latency.p50)} ms  p95 ${fixed(latency.p95)} ms  p99 ${fixed(latency.p99)} ms  max ${fixed(latency.max)} ms  (n=${latency.count})`;
}

const counts = (entries: Record<string, number>): string =>
  Object.keys(entries).length === 0
    ? 'none'
    : Object.entries(entries)
        .map(([key, count]) => `${key}: ${count}`)
        .join('  ');

/** The human-readable summary (the CLI writes it to stdout; `--json` adds the object as the last line). */
export function formatSummary(summary: LoadSummary): string {
  const mode = summary.targetEventsPerS === null ? 'closed loop (as fast as the connections allow)' : `open loop at ${summary.targetEventsPerS} events/s`;
  const { envelopes, events, rate, records } = summary;
  const byKind = ENVELOPE_KINDS.filter((kind) => summary.byKind[kind].sent + summary.byKind[kind].behind > 0)
    .map((kind) => {
      const { sent, accepted, behind } = summary.byKind[kind];
      return `${kind} ${accepted}/${sent}${behind > 0 ? ` (+${behind} behind)` : ''}`;
    })
    .join('  ');
  const lines = [
    `loadgen summary: ${mode}, concurrency ${summary.concurrency}, ${plural(summary.projects, 'project')}, seed ${summary.seed}${summary.reuse !== undefined && summary.reuse !== 1 ? `, reuse ${summary.reuse}` : ''}${summary.stoppedEarly ? ', stopped early' : ''}`,
    `  mix           ${formatMix(summary.mix)}`,
    `  time          ${fixed(summary.elapsedS, 2)} s sending + ${fixed(summary.drainS, 2)} s waiting for the last responses`,
    `  envelopes     planned ${envelopes.planned}  sent ${envelopes.sent}  accepted ${envelopes.accepted}  rejected ${envelopes.rejected}  network errors ${envelopes.networkErrors}  behind ${envelopes.behind}${envelopes.partial > 0 ? `  partially stored ${envelopes.partial}` : ''}`,
    `  events        planned ${events.planned}  sent ${events.sent}  accepted ${events.accepted}  behind ${events.behind}`,
    `  HTTP status   ${counts(summary.statuses)}`,
    `  net errors    ${counts(summary.networkErrors)}`,
    `  rate          ${fixed(rate.envelopesPerS)} envelopes/s  ${fixed(rate.eventsPerS)} events/s  (accepted ${fixed(rate.acceptedEventsPerS)} events/s)`,
    `  latency       ${formatLatency(summary.latencyMs)}`,
    ...(summary.scheduleLagMs ? [`  send lag      ${formatLatency(summary.scheduleLagMs)}`] : []),
    `  client CPU    ${fixed(summary.clientCpu.seconds, 2)} s (${Math.round(summary.clientCpu.shareOfOneCore * 100)}% of one core)`,
    `  accepted/sent ${byKind || 'nothing sent'}`,
    `  records       ${RECORD_KINDS.map((kind) => `${kindLabel(kind)} ${records[kind]}`).join('  ')}  (what Pulse stores for the accepted envelopes)`,
  ];
  return lines.join('\n');
}
