// The benchmark suite (`npm run bench -- [flags]`; builds first): the load generator's own cost,
// ingest, consumer, end to end, queries and alerts, one after the other, each (where it has one)
// against its own baseline measured in the same run; then the targets, the cost per component and a sizing table.
//   npm run bench                                   # everything, with each part's defaults
//   npm run bench -- --parts ingest,queries         # some parts
//   npm run bench -- --quick                        # small sizes: checks that every part runs
//
// Each part is its own script (bench-loadgen, bench-ingest, bench-consumer, bench-e2e, bench-queries, bench-alerts), started as a
// child process with its own local Kafka / ClickHouse (or KAFKA_BROKERS / CLICKHOUSE_URL), so one
// part's data and processes cannot slow the next (their fixed ports are below Linux's ephemeral
// range, 32768–60999, so no outgoing connection of an earlier part can hold one). Parts write their
// full results to bench/results/<timestamp>-<part>.json; the suite writes the headline figures,
// the targets and whether they were met, the per-component costs and the sizing table (with its
// assumptions) to bench/results/<timestamp>.json and prints them. A figure a part did not report
// is "not measured" (scripts/bench/suite/part-fields.ts lists every field read).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './bench/flags';
import { machine, writeResult } from './bench/report';
import { runMain } from './bench/run-main';
import { combineSuite, PART_NAMES, PartName, PartResults } from './bench/suite/suite-result';
import { printSuite } from './bench/suite/suite-table';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench: ${line}`);

/** Flags of each part for --quick: enough to show the part runs end to end, not figures to quote. */
const QUICK_ARGS: Record<PartName, string[]> = {
  loadgen: ['--seconds', '5', '--warmup-seconds', '2'],
  ingest: ['--seconds', '5', '--repeat', '1', '--prime-seconds', '3', '--span-seconds', '3'],
  consumer: ['--rows', '100000'],
  // Freshness at the target's rate (1,000 events/s), then one step.
  e2e: ['--seconds', '15', '--warmup-seconds', '5', '--rates', '500', '--step-seconds', '15'],
  queries: ['--rows', '100000', '--iterations', '3'],
  // A few alerts of each kind and 100 rules over two periods: every phase runs, no figure to quote.
  alerts: ['--new-issues', '5', '--rounds', '1', '--rules', '100', '--load-periods', '2', '--background-rate', '20'],
};

interface SuiteOptions {
  parts: PartName[];
  quick: boolean;
}

function readOptions(): SuiteOptions {
  const { values } = parseArgs({ options: { parts: { type: 'string', default: PART_NAMES.join(',') }, quick: { type: 'boolean', default: false } } });
  const parts = values.parts.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !(PART_NAMES as string[]).includes(part));
  if (unknown.length > 0 || parts.length === 0) throw new UsageError(`--parts takes a comma-separated list of ${PART_NAMES.join(', ')}; got ${values.parts}`);
  return { parts: PART_NAMES.filter((part) => parts.includes(part)), quick: values.quick };
}

async function runPart(part: PartName, out: string, quick: boolean): Promise<void> {
  const script = join(root, 'dist', 'scripts', `bench-${part}.js`);
  if (!existsSync(script)) throw new Error(`${relative(root, script)} is missing: run \`npm run build\` first`);
  const args = [script, '--out', out, ...(quick ? QUICK_ARGS[part] : [])];
  log(`${part}: node ${args.map((arg) => relative(root, arg) || arg).join(' ')}`);
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  // A Ctrl-C reaches the child through the terminal; the child stops its own infrastructure.
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`the ${part} benchmark failed (${signal ?? `exit code ${code}`})`);
}

async function main(): Promise<number> {
  const options = readOptions();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/:/g, '-');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const files: Partial<Record<PartName, string>> = {};
  const parts: PartResults = {};
  // A part that fails does not stop the others: its figures are "not measured", the failure is in
  // the result, and the suite exits non-zero.
  const failed: Partial<Record<PartName, string>> = {};
  for (const part of options.parts) {
    const file = join(dir, `${stamp}-${part}.json`);
    try {
      await runPart(part, file, options.quick);
      parts[part] = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      files[part] = relative(root, file);
    } catch (error) {
      failed[part] = error instanceof Error ? error.message : String(error);
      log(`${failed[part]}; going on with the other parts`);
    }
  }
  const suite = combineSuite(parts);
  const result = {
    benchmark: 'suite',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    machine: machine(root),
    ...suite,
    part_results: files,
    failed_parts: failed,
  };
  const file = writeResult(root, 'suite', startedAt, result, join(dir, `${stamp}.json`));
  console.log('');
  printSuite(suite);
  console.log('');
  const failures = Object.entries(failed);
  for (const [part, message] of failures) log(`FAILED part ${part}: ${message} (its figures are "not measured")`);
  log(`results written to ${file}`);
  return failures.length === 0 ? 0 : 1;
}

runMain('pulse bench', main);
