import { parseArgs } from 'node:util';
import { numberFlags, pathFlag, UsageError } from '../bench/flags';

export const SCENARIOS = ['broker-kill', 'clickhouse-down'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** How ClickHouse is taken away: frozen (SIGSTOP: connections hang) or killed (SIGKILL: refused), then resumed or restarted. */
export const CLICKHOUSE_FAULTS = ['stop', 'kill'] as const;
export type ClickHouseFault = (typeof CLICKHOUSE_FAULTS)[number];

export interface ChaosOptions {
  scenarios: ScenarioName[];
  /** Requests per second to ingest, open loop; each carries one event (a transaction or an error, alternately). */
  rate: number;
  /** Load before the fault. */
  warmupSeconds: number;
  /** How long the killed broker stays down. */
  brokerDownSeconds: number;
  /** How long ClickHouse stays away. */
  clickhouseDownSeconds: number;
  clickhouseFault: ClickHouseFault;
  /** Load after the recovery, before it stops. */
  afterSeconds: number;
  /** How long the consumer may take to store the backlog after the load, before the run fails. */
  drainTimeoutSeconds: number;
  projects: number;
  partitions: number;
  /** Requests in flight at most; a request due while this many wait is not sent (counted as skipped). */
  maxInFlight: number;
  /** A request without an answer after this long counts as "no answer". */
  requestTimeoutMs: number;
  out?: string;
}

export function readChaosOptions(argv = process.argv.slice(2)): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      rate: { type: 'string', default: '100' },
      'warmup-seconds': { type: 'string', default: '10' },
      'broker-down-seconds': { type: 'string', default: '15' },
      'clickhouse-down-seconds': { type: 'string', default: '60' },
      'clickhouse-fault': { type: 'string', default: 'stop' },
      'after-seconds': { type: 'string', default: '20' },
      'drain-timeout-seconds': { type: 'string', default: '180' },
      projects: { type: 'string', default: '6' },
      partitions: { type: 'string', default: '3' },
      'max-in-flight': { type: 'string', default: '2000' },
      'request-timeout-ms': { type: 'string', default: '30000' },
      out: { type: 'string' },
    },
  });
  const num = numberFlags(values);
  const scenarios = values.scenarios.split(',').map((name) => name.trim());
  const unknown = scenarios.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0 || scenarios.length === 0) throw new UsageError(`--scenarios takes ${SCENARIOS.join(', ')}; got ${JSON.stringify(values.scenarios)}`);
  const fault = values['clickhouse-fault'];
  if (!(CLICKHOUSE_FAULTS as readonly string[]).includes(fault)) throw new UsageError(`--clickhouse-fault must be ${CLICKHOUSE_FAULTS.join(' or ')}, got ${JSON.stringify(fault)}`);
  return {
    scenarios: [...new Set(scenarios)] as ScenarioName[],
    rate: num('rate', 1, 2000, false),
    warmupSeconds: num('warmup-seconds', 1, 600),
    brokerDownSeconds: num('broker-down-seconds', 1, 600),
    clickhouseDownSeconds: num('clickhouse-down-seconds', 1, 1800),
    clickhouseFault: fault as ClickHouseFault,
    afterSeconds: num('after-seconds', 1, 600),
    drainTimeoutSeconds: num('drain-timeout-seconds', 10, 3600),
    projects: num('projects', 1, 100),
    partitions: num('partitions', 1, 64),
    maxInFlight: num('max-in-flight', 1, 10_000),
    requestTimeoutMs: num('request-timeout-ms', 1000, 300_000),
    out: pathFlag(values.out),
  };
}
