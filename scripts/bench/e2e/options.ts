import { parseArgs } from 'node:util';
import { parseRates } from './step-criteria';
import { numberFlags, pathFlag } from '../flags';

export interface E2EBenchOptions {
  /** Offered events/s of the freshness phase. */
  rate: number;
  /** Length of the freshness phase, s. */
  seconds: number;
  /** Offered rates of the sustained-rate steps, ascending. */
  rates: number[];
  stepSeconds: number;
  /** Run every rate even after a step failed (default: stop at the first failure). */
  allRates: boolean;
  /** A warm-up at --rate before the freshness phase (its figures are kept apart). */
  warmupSeconds: number;
  /** After a phase's load ends, how long its samples may take to show up before they count as unseen. */
  graceSeconds: number;
  projects: number;
  partitions: number;
  /** Requests the load generator may have in flight (its connections). */
  concurrency: number;
  /** Share of accepted transactions watched for freshness, %. */
  samplePercent: number;
  pollIntervalMs: number;
  pollInFlight: number;
  seed: number;
  out?: string;
}

/** Up to the stretch target (5,000 events/s); the run stops at the first step that fails. */
export const DEFAULT_RATES = '250,500,750,1000,1500,2000,3000,4000,5000';
/** The freshness target is stated at this rate, and the per-component costs are reported at it. */
export const DEFAULT_FRESHNESS_RATE = 1000;

export function readE2EOptions(argv = process.argv.slice(2)): E2EBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: String(DEFAULT_FRESHNESS_RATE) },
      seconds: { type: 'string', default: '60' },
      rates: { type: 'string', default: DEFAULT_RATES },
      'step-seconds': { type: 'string', default: '60' },
      'all-rates': { type: 'boolean', default: false },
      'warmup-seconds': { type: 'string', default: '10' },
      'grace-seconds': { type: 'string', default: '30' },
      projects: { type: 'string', default: '3' },
      partitions: { type: 'string', default: '4' },
      concurrency: { type: 'string', default: '512' },
      'sample-percent': { type: 'string', default: '1' },
      'poll-interval-ms': { type: 'string', default: '100' },
      'poll-in-flight': { type: 'string', default: '2' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  });
  const num = numberFlags(values);
  return {
    rate: num('rate', 1, 1_000_000, false),
    seconds: num('seconds', 1, 24 * 3600),
    rates: parseRates(values.rates),
    stepSeconds: num('step-seconds', 10, 3600),
    allRates: values['all-rates'],
    warmupSeconds: num('warmup-seconds', 0, 600),
    graceSeconds: num('grace-seconds', 1, 600),
    projects: num('projects', 1, 3),
    partitions: num('partitions', 1, 64),
    concurrency: num('concurrency', 1, 10_000),
    samplePercent: num('sample-percent', 0.01, 100, false),
    pollIntervalMs: num('poll-interval-ms', 100, 60_000),
    pollInFlight: num('poll-in-flight', 1, 16),
    seed: num('seed', 0, 2 ** 31 - 1),
    out: pathFlag(values.out),
  };
}
