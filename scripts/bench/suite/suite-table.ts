import { printQueryTable } from '../report';
import { printColumns } from '../table';
import type { SuiteResult } from './suite-result';

/** The suite's figures as tables on stdout: each against its baseline, then the targets. */
export function printSuite(suite: SuiteResult): void {
  const rows: string[][] = [];
  if (suite.ingest) {
    const i = suite.ingest;
    rows.push(['ingest events/s', whole(i.events_per_s), whole(i.baseline_events_per_s), i.ratio.toFixed(2)]);
    rows.push(['ingest response p50 / p99 (ms)', `${i.p50_ms} / ${i.p99_ms}`, '', '']);
  }
  if (suite.consumer) {
    const c = suite.consumer;
    rows.push(['consumer rows/s', whole(c.rows_per_s), whole(c.baseline_rows_per_s), c.ratio.toFixed(2)]);
  }
  if (suite.e2e) {
    const e = suite.e2e;
    rows.push(['end to end, sustained events/s', whole(e.sustained_events_per_s), '', '']);
    rows.push(['  stored rows/s at that rate', whole(e.sustained_records_per_s), '', '']);
    rows.push(['end to end, freshness p50 / p95 (ms)', `${whole(e.freshness_p50_ms)} / ${whole(e.freshness_p95_ms)}`, '', '']);
  }
  for (const service of ['ingest', 'consumer', 'query'] as const) {
    const mb = suite.memory_mb[service];
    if (mb !== null) rows.push([`${service} RSS peak (MB)`, mb.toFixed(1), '', '']);
  }
  printColumns(['figure', 'measured', 'baseline', 'ratio'], rows, [false, true, true, true]);
  if (suite.queries.length > 0) {
    console.log('');
    printQueryTable(suite.queries);
  }
  console.log('');
  printColumns(
    ['target', 'wanted', 'measured', 'met'],
    suite.targets.map((t) => [t.what, t.target, t.measured, t.met ? 'yes' : 'NO']),
    [false, false, false, false],
  );
}

function whole(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
