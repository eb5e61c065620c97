import { parseArgs } from 'node:util';
import { numberFlag, numberFlags, pathFlag, UsageError } from './flags';

export interface BenchOptions {
  /** Stored transactions to measure at, ascending: the database is topped up from one to the next. */
  rows: number[];
  iterations: number;
  /** Keep the data for the next run, and reuse what a previous run kept. */
  keep: boolean;
  seed: number;
  /** Cases whose endpoint p95 exceeds this are profiled (which tables, how many rows). */
  profileOverMs: number;
  /** Where to write the result JSON instead of bench/results/<timestamp>-queries.json. */
  out?: string;
  /** A stored count beyond the largest --rows at which the headline endpoints are extrapolated (extrapolate.ts). */
  extrapolate?: number;
}

export function readOptions(argv = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000,10000000' },
      iterations: { type: 'string', default: '30' },
      keep: { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      'profile-over-ms': { type: 'string', default: '200' },
      out: { type: 'string' },
      extrapolate: { type: 'string' },
    },
  });
  const rows = values.rows.split(',').map((part) => numberFlag('rows', part.trim(), 1, 1_000_000_000));
  if (rows.some((value, i) => i > 0 && value <= rows[i - 1])) throw new UsageError(`--rows must be ascending, got ${values.rows}`);
  const extrapolate = values.extrapolate === undefined ? undefined : numberFlag('extrapolate', values.extrapolate, 1, 100_000_000_000);
  if (extrapolate !== undefined && (rows.length < 2 || extrapolate <= rows[rows.length - 1])) {
    throw new UsageError(`--extrapolate needs at least two --rows counts below it, got --rows ${values.rows} --extrapolate ${values.extrapolate}`);
  }
  const num = numberFlags(values);
  return {
    rows,
    iterations: num('iterations', 1, 10_000),
    keep: values.keep,
    seed: num('seed', 0, 2 ** 31 - 1),
    profileOverMs: num('profile-over-ms', 0, 3_600_000),
    out: pathFlag(values.out),
    extrapolate,
  };
}
