import { parseArgs } from 'node:util';
import { numberFlags, pathFlag } from '../flags';

export interface IsolationBenchOptions {
  /** Offered events/s of the steady ingest load, over both phases. */
  rate: number;
  /** Length of the phase without heavy queries, s. */
  baselineSeconds: number;
  /** Length of the phase with them, s. */
  heavySeconds: number;
  /** Clients of project 1's token, each sending the heavy query back to back. */
  heavyClients: number;
  /** How often the other project's simple query is sent (one at a time), ms. */
  probeIntervalMs: number;
  /** Share of accepted transactions watched for freshness, %. */
  samplePercent: number;
  /** After a phase's load ends, how long its samples may take to show up before they count as unseen. */
  graceSeconds: number;
  seed: number;
  out?: string;
}

export function readIsolationOptions(argv = process.argv.slice(2)): IsolationBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '100' },
      'baseline-seconds': { type: 'string', default: '40' },
      'heavy-seconds': { type: 'string', default: '60' },
      'heavy-clients': { type: 'string', default: '16' },
      'probe-interval-ms': { type: 'string', default: '250' },
      'sample-percent': { type: 'string', default: '5' },
      'grace-seconds': { type: 'string', default: '30' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  });
  const num = numberFlags(values);
  return {
    rate: num('rate', 1, 10_000, false),
    baselineSeconds: num('baseline-seconds', 5, 3600),
    heavySeconds: num('heavy-seconds', 5, 3600),
    heavyClients: num('heavy-clients', 1, 256),
    probeIntervalMs: num('probe-interval-ms', 10, 60_000),
    samplePercent: num('sample-percent', 0.01, 100, false),
    graceSeconds: num('grace-seconds', 1, 600),
    seed: num('seed', 0, 2 ** 31 - 1),
    out: pathFlag(values.out),
  };
}
