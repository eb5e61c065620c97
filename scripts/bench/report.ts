import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { CaseProfile } from './profile';
import { printColumns } from './table';

/** One measured endpoint and range at one fill level, as the result file names it. */
export interface QueryFigure {
  name: string;
  range: string;
  stored_rows: number;
  p50_ms: number;
  p95_ms: number;
  min_ms: number;
  max_ms: number;
  baseline_p50_ms: number;
  baseline_p95_ms: number;
  /** endpoint p50 ÷ baseline p50. */
  ratio: number;
  iterations: number;
}

export interface NotMeasured {
  name: string;
  stored_rows: number;
  status: 'skipped' | 'failed';
  detail: string;
}

export function machine(root: string): Record<string, unknown> {
  const list = cpus();
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', totalMemoryMb: Math.round(totalmem() / 2 ** 20), node: process.version, os: `${type()} ${release()}`, commit };
}

/** The figures of a query case that the tables show (the suite's result keeps only these). */
export type QueryHeadline = Pick<QueryFigure, 'name' | 'range' | 'stored_rows' | 'p50_ms' | 'p95_ms' | 'baseline_p50_ms' | 'ratio'>;

export function printQueryTable(figures: QueryHeadline[]): void {
  const header = ['endpoint', 'range', 'stored rows', 'p50 ms', 'p95 ms', 'baseline p50 ms', 'ratio'];
  const rows = figures.map((f) => [f.name, f.range, f.stored_rows.toLocaleString('en-US'), fixed(f.p50_ms), fixed(f.p95_ms), fixed(f.baseline_p50_ms), f.ratio.toFixed(2)]);
  printColumns(header, rows, [false, false, true, true, true, true, true]);
}

export function printNotMeasured(items: NotMeasured[]): void {
  for (const item of items) console.log(`  ${item.name} (${item.stored_rows.toLocaleString('en-US')} rows): ${item.status}: ${item.detail}`);
}

export function printProfiles(profiles: Array<CaseProfile & { stored_rows: number }>): void {
  for (const profile of profiles) {
    const { baseline } = profile;
    console.log(
      `  ${profile.name} ${profile.range} at ${profile.stored_rows.toLocaleString('en-US')} rows: ${fixed(profile.endpointMs)} ms through the recorder, ` +
        `${profile.readRows.toLocaleString('en-US')} rows / ${mb(profile.readBytes)} MB read ` +
        `(baseline: ${fixed(baseline.elapsedMs)} ms in ClickHouse, ${baseline.readRows.toLocaleString('en-US')} rows / ${mb(baseline.readBytes)} MB)`,
    );
    for (const query of profile.queries) {
      console.log(
        `    ${query.tables.join(' + ')}: ${fixed(query.elapsedMs)} ms in ClickHouse, ${query.readRows.toLocaleString('en-US')} rows / ${mb(query.readBytes)} MB read, ${query.resultRows} result rows`,
      );
    }
  }
}

/** Writes a benchmark's result JSON to `out`, or to bench/results/<timestamp>-<part>.json; returns the path to print. */
export function writeResult(root: string, part: string, startedAt: Date, result: Record<string, unknown>, out?: string): string {
  const file = out ?? join(root, 'bench', 'results', `${startedAt.toISOString().replace(/:/g, '-')}-${part}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return relative(process.cwd(), file) || file;
}

/** Writes the result JSON (writeResult) and ends the printed report with a blank line and where it went. */
export function saveResult(log: (line: string) => void, root: string, part: string, startedAt: Date, result: Record<string, unknown>, out?: string): void {
  const file = writeResult(root, part, startedAt, result, out);
  console.log('');
  log(`results written to ${file}`);
}

function fixed(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(1) : 'n/a';
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
