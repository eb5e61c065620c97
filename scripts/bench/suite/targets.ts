// The project's performance targets (docs/benchmarks.md), each checked against the suite's
// figures: met, missed, or not measured (its part did not run, or did not report the figure).
import type { SuiteFigures } from './suite-result';

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  status: TargetStatus;
  /** For targets with a stretch goal: whether it was reached too. */
  stretch?: TargetStatus;
}

export const TARGETS = {
  ingestVsBaseline: 1.0,
  ingestVsBaselineStretch: 1.5,
  ingestP99AtSeventyPercentMs: 50,
  consumerVsBaseline: 1.0,
  consumerRssMb: 250,
  sustainedEventsPerS: 3000,
  sustainedEventsPerSStretch: 5000,
  freshnessP95Ms: 2000,
  freshnessRateEventsPerS: 1000,
  nodeServiceRssMb: 250,
  queryP95Ms: 100,
  queryStoredTransactions: 10_000_000,
} as const;

const NOT_MEASURED = 'not measured';
const whole = (value: number): string => Math.round(value).toLocaleString('en-US');
const status = (measured: number | null, ok: (value: number) => boolean): TargetStatus => (measured === null ? 'not measured' : ok(measured) ? 'met' : 'missed');
const orNot = (value: number | null, show: (value: number) => string): string => (value === null ? NOT_MEASURED : show(value));

export function checkTargets(suite: SuiteFigures): TargetCheck[] {
  const t = TARGETS;
  const { ingest, consumer, e2e } = suite;
  const checks: TargetCheck[] = [];

  const ratio = ingest?.ratio ?? null;
  const cpu = `CPU ms per 1,000 events: ingest ${orNot(ingest?.cpu_ms_per_1000_events ?? null, whole)}, bare handler ${orNot(ingest?.baseline_cpu_ms_per_1000_events ?? null, whole)}`;
  checks.push({
    what: 'ingest events/s vs the bare handler, one process',
    target: `≥ ${t.ingestVsBaseline.toFixed(1)}× (stretch ${t.ingestVsBaselineStretch}×)`,
    measured: ratio === null ? `${NOT_MEASURED}; ${cpu}` : `${ratio.toFixed(2)}× (${orNot(ingest!.events_per_s, whole)} vs ${orNot(ingest!.baseline_events_per_s, whole)} events/s); ${cpu}`,
    status: status(ratio, (r) => r >= t.ingestVsBaseline),
    stretch: status(ratio, (r) => r >= t.ingestVsBaselineStretch),
  });

  const p99 = ingest?.p99_ms_at_70pct ?? null;
  const at = ingest?.rate_at_70pct_events_per_s ?? null;
  checks.push({
    what: 'ingest p99 at 70 % of its max rate',
    target: `≤ ${t.ingestP99AtSeventyPercentMs} ms`,
    measured: p99 === null ? NOT_MEASURED : `${whole(p99)} ms${at === null ? '' : ` at ${whole(at)} events/s`}`,
    status: status(p99, (ms) => ms <= t.ingestP99AtSeventyPercentMs),
  });

  const consumerRatio = consumer?.ratio ?? null;
  checks.push({
    what: 'consumer rows/s vs raw inserts',
    target: `≥ ${t.consumerVsBaseline.toFixed(1)}×`,
    measured:
      consumerRatio === null
        ? NOT_MEASURED
        : `${consumerRatio.toFixed(2)}× (${orNot(consumer!.rows_per_s, whole)} vs ${orNot(consumer!.baseline_rows_per_s, whole)} rows/s); CPU ms per 1,000 rows: ${orNot(consumer!.cpu_ms_per_1000_rows, whole)}`,
    status: status(consumerRatio, (r) => r >= t.consumerVsBaseline),
  });
  const consumerRss = consumer?.rss_max_mb ?? null;
  checks.push({ what: 'consumer RSS, peak (consumer benchmark)', target: `≤ ${t.consumerRssMb} MB`, measured: orNot(consumerRss, (mb) => `${mb} MB`), status: status(consumerRss, (mb) => mb <= t.consumerRssMb) });

  const sustained = e2e?.sustained_events_per_s ?? null;
  checks.push({
    what: 'end to end, sustained',
    target: `≥ ${whole(t.sustainedEventsPerS)} events/s (stretch ${whole(t.sustainedEventsPerSStretch)})`,
    measured: orNot(sustained, (rate) => (rate === 0 ? '0 events/s (no step passed)' : `${whole(rate)} events/s`)),
    status: status(sustained, (rate) => rate >= t.sustainedEventsPerS),
    stretch: status(sustained, (rate) => rate >= t.sustainedEventsPerSStretch),
  });

  // Only a freshness phase at the stated rate answers this target; another rate is shown, not judged.
  const rate = e2e?.freshness_rate_events_per_s ?? null;
  const p95 = rate === t.freshnessRateEventsPerS ? (e2e?.freshness_p95_ms ?? null) : null;
  const elsewhere = rate !== null && rate !== t.freshnessRateEventsPerS && e2e?.freshness_p95_ms != null ? ` (${whole(e2e.freshness_p95_ms)} ms at ${whole(rate)} events/s)` : '';
  checks.push({
    what: `end to end, freshness p95 at ${whole(t.freshnessRateEventsPerS)} events/s`,
    target: `≤ ${whole(t.freshnessP95Ms)} ms`,
    measured: p95 === null ? `${NOT_MEASURED}${elsewhere}` : `${whole(p95)} ms`,
    status: status(p95, (ms) => ms <= t.freshnessP95Ms),
  });

  for (const [service, mb] of [['ingest', e2e?.ingest_rss_max_mb], ['consumer', e2e?.consumer_rss_max_mb], ['query', e2e?.query_rss_max_mb]] as const) {
    checks.push({ what: `${service} RSS under end-to-end load, peak`, target: `≤ ${t.nodeServiceRssMb} MB`, measured: orNot(mb ?? null, (v) => `${v} MB`), status: status(mb ?? null, (v) => v <= t.nodeServiceRssMb) });
  }

  checks.push(queryTarget(suite));
  return checks;
}

/** Every headline query case at 10M stored transactions, the 7-day ranges among them. */
function queryTarget(suite: SuiteFigures): TargetCheck {
  const t = TARGETS;
  const what = `every headline query p95 at ${whole(t.queryStoredTransactions)} transactions, 7-day ranges included`;
  const target = `≤ ${t.queryP95Ms} ms`;
  const cases = suite.queries.filter((q) => q.stored_rows >= t.queryStoredTransactions);
  if (cases.length === 0) {
    const largest = suite.queries.length === 0 ? null : Math.max(...suite.queries.map((q) => q.stored_rows));
    return { what, target, measured: largest === null ? NOT_MEASURED : `${NOT_MEASURED} (largest data set: ${whole(largest)} transactions)`, status: 'not measured' };
  }
  const slowest = cases.reduce((a, b) => (b.p95_ms > a.p95_ms ? b : a));
  const over = cases.filter((q) => q.p95_ms > t.queryP95Ms);
  const weekly = cases.filter((q) => q.range === '7d');
  const measured = `slowest ${slowest.p95_ms} ms (${slowest.name} ${slowest.range}); ${over.length} of ${cases.length} cases over (${weekly.filter((q) => q.p95_ms > t.queryP95Ms).length} of ${weekly.length} 7-day)`;
  return { what, target, measured, status: weekly.length === 0 ? 'not measured' : over.length === 0 ? 'met' : 'missed' };
}
