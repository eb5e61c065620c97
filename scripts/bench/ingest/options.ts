import { DEFAULT_MIX, EventMix, parseMix } from '@pulse/loadgen';
import { parseArgs } from 'node:util';
import { numberFlag, numberFlags, pathFlag } from '../flags';
import { parseSpanFormats, SPAN_FORMATS, SpanFormat } from './span-bodies';

export interface IngestBenchOptions {
  /** Measured seconds per phase. */
  seconds: number;
  warmupSeconds: number;
  /** Unmeasured load on each server once, before the first phase (the broker's JIT, both servers' JIT and connections). */
  primeSeconds: number;
  /** Concurrent keep-alive connections of the closed-loop client. */
  connections: number;
  /** Baseline and ingest phases each run this many times, alternating; medians are reported. */
  repeat: number;
  /** Distinct envelope bodies generated before timing and sent round-robin. */
  bodies: number;
  projects: number;
  seed: number;
  /** Shares of the load generator's event kinds in the bodies (default DEFAULT_MIX); `--mix error=1` sends errors only. */
  mix: EventMix;
  partitions: number;
  /** Ingest servers to measure, by INGEST_WORKERS (1 = one process, N = a cluster primary and N workers); the first is the one the top-level figures describe. */
  workers: number[];
  /** Seconds of the open-loop step at 70 % of each server's measured maximum (0: no step). */
  openLoopSeconds: number;
  /** The span-format comparison (span-formats.ts) on the first ingest server: the formats, in order (none: no comparison). */
  spanFormats: SpanFormat[];
  /** Measured seconds per span-format window (warm-up and repetitions as the other phases). */
  spanSeconds: number;
  /** Server traces generated for the span-format comparison, each sent in every format. */
  spanTraces: number;
  /** Most traces in one export of the batch forms (otlp-proto-batch, otlp-json-batch), which also stop at the SDK's 512 spans: 200 ≈ 510 spans. */
  spanBatchTraces: number;
  /** Connections of the batch forms' windows (a request of N traces is N single requests' work; see span-formats.ts). */
  spanBatchConnections: number;
  cpuProfDir?: string;
  out?: string;
}

export function readIngestOptions(argv = process.argv.slice(2)): IngestBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '20' },
      'warmup-seconds': { type: 'string', default: '3' },
      'prime-seconds': { type: 'string', default: '10' },
      connections: { type: 'string', default: '64' },
      repeat: { type: 'string', default: '3' },
      bodies: { type: 'string', default: '10000' },
      projects: { type: 'string', default: '3' },
      seed: { type: 'string', default: '42' },
      mix: { type: 'string' },
      partitions: { type: 'string', default: '4' },
      workers: { type: 'string', default: '1,2' },
      'open-loop-seconds': { type: 'string', default: '15' },
      'span-formats': { type: 'string', default: SPAN_FORMATS.join(',') },
      'span-seconds': { type: 'string', default: '10' },
      'span-traces': { type: 'string', default: '20000' },
      'span-batch-traces': { type: 'string', default: '200' },
      'span-batch-connections': { type: 'string', default: '4' },
      'cpu-prof-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const int = numberFlags(values);
  return {
    seconds: int('seconds', 1, 3600),
    warmupSeconds: int('warmup-seconds', 0, 600),
    primeSeconds: int('prime-seconds', 0, 600),
    connections: int('connections', 1, 4096),
    repeat: int('repeat', 1, 100),
    bodies: int('bodies', 1, 1_000_000),
    projects: int('projects', 1, 100),
    seed: int('seed', 0, 2 ** 31 - 1),
    mix: values.mix === undefined ? { ...DEFAULT_MIX } : parseMix(String(values.mix)),
    partitions: int('partitions', 1, 1024),
    workers: workerCounts(String(values.workers)),
    openLoopSeconds: int('open-loop-seconds', 0, 600),
    spanFormats: parseSpanFormats(String(values['span-formats'])),
    spanSeconds: int('span-seconds', 1, 3600),
    spanTraces: int('span-traces', 1, 1_000_000),
    spanBatchTraces: int('span-batch-traces', 1, 10_000),
    spanBatchConnections: int('span-batch-connections', 1, 4096),
    cpuProfDir: pathFlag(values['cpu-prof-dir']),
    out: pathFlag(values.out),
  };
}

/** `--workers 1,2`: distinct worker counts, in the order given. */
function workerCounts(raw: string): number[] {
  const counts = raw.split(',').map((part) => numberFlag('workers', part.trim(), 1, 64));
  if (new Set(counts).size !== counts.length) throw new Error(`--workers lists a count twice: ${raw}`);
  return counts;
}
