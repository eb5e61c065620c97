// The load generator's own cost (`npm run bench:loadgen -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-loadgen.js [--rate 5000] [--seconds 20] [--warmup-seconds 5] [--reuse 16] [--concurrency 256] [--projects 3] [--out FILE]
//
// A load test must measure the server, not the client: this runs the load generator (the same
// child process as the end-to-end benchmark, scripts/bench/e2e/loadgen-child.ts, @pulse/loadgen's
// runLoad in open loop) against a trivial sink on 127.0.0.1 that answers every envelope 200 as
// Pulse does, and reports the generator's CPU per 1,000 events and the cores it used over the
// --seconds after a --warmup-seconds of the same load (start-up and JIT compilation are not the
// steady cost). `--reuse`
// takes a list (`1,16`) to compare building every envelope with rendering templates.
// Results: a table on stdout and JSON in bench/results/<timestamp>-loadgen.json (or --out).
import type { LoadSummary } from '@pulse/loadgen';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LoadgenProcess } from './bench/e2e/loadgen-process';
import { ProcessMonitor } from './bench/e2e/process-monitor';
import { numberFlag, UsageError } from './bench/flags';
import { checkPrerequisites } from './bench/preflight';
import { readCpuSeconds } from './bench/proc';
import { machine, writeResult } from './bench/report';
import { runMain } from './bench/run-main';
import { round } from './bench/stats';
import { formatNumber as fmt, printColumns } from './bench/table';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench loadgen: ${line}`);
/** What Pulse answers to an accepted envelope (an event id), so the client reads a body of the real size. */
const ANSWER = '{"id":"0123456789abcdef0123456789abcdef"}';
const PUBLIC_KEY = '0123456789abcdef0123456789abcdef';
/** The load a test must be able to offer without the generator needing a core of its own. */
const TARGET_EVENTS_PER_S = 5000;

interface Options {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  reuse: number[];
  concurrency: number;
  projects: number;
  out?: string;
}

function readOptions(argv = process.argv.slice(2)): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '20' },
      'warmup-seconds': { type: 'string', default: '5' },
      reuse: { type: 'string', default: '16' },
      concurrency: { type: 'string', default: '256' },
      projects: { type: 'string', default: '3' },
      out: { type: 'string' },
    },
  });
  const reuse = values.reuse.split(',').map((text) => numberFlag('reuse', text.trim(), 1, 1_000_000));
  if (reuse.length === 0) throw new UsageError('--reuse takes one or more positive integers, comma-separated');
  return {
    rate: numberFlag('rate', values.rate, 1, 1_000_000, false),
    seconds: numberFlag('seconds', values.seconds, 2, 3600, false),
    warmupSeconds: numberFlag('warmup-seconds', values['warmup-seconds'], 0, 600, false),
    reuse,
    concurrency: numberFlag('concurrency', values.concurrency, 1, 10_000),
    projects: numberFlag('projects', values.projects, 1, 100),
    out: values.out ? resolve(values.out) : undefined,
  };
}

/** The sink: reads each request whole and answers 200 with an id, keep-alive, nothing else. */
async function startSink(): Promise<{ server: Server; port: number; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length }).end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, requests: () => requests };
}

interface RunFigures {
  reuse: number;
  offered_events_per_s: number;
  sent_events_per_s: number;
  sent_envelopes_per_s: number;
  behind_events: number;
  accepted_share: number;
  /** The generator process's CPU over the measured window (after the warm-up, from its progress reports). */
  cpu_s: number;
  /** Events sent in that window, and its length. */
  events: number;
  window_s: number;
  cpu_ms_per_1000_events: number;
  cpu_ms_per_1000_envelopes: number;
  cores: number;
  /** Everything the process used, start-up and template building included (/proc, at its last sample). */
  process_cpu_s: number;
  rss_max_mb: number;
  latency_ms: { p50: number; p99: number };
  send_lag_p99_ms: number | null;
  sink_cores: number;
}

/** The generator's CPU and what it had sent at one of its progress reports. */
interface Mark {
  atMs: number;
  cpuS: number;
  events: number;
  envelopes: number;
}

async function measure(options: Options, reuse: number, dsns: string[], monitor: ProcessMonitor, script: string): Promise<RunFigures> {
  log(`reuse ${reuse}: ${fmt(options.rate)} events/s, ${options.warmupSeconds} s of warm-up and ${options.seconds} s measured…`);
  const startedMs = Date.now();
  let first: Mark | undefined;
  let last: Mark | undefined;
  let sinkCpuAtFirst: NodeJS.CpuUsage | undefined;
  let sinkCpu: NodeJS.CpuUsage | undefined;
  const loadgen: LoadgenProcess = new LoadgenProcess(
    script,
    { dsns, rate: options.rate, durationS: options.warmupSeconds + options.seconds, concurrency: options.concurrency, seed: 42, idSeed: randomBytes(4).readUInt32BE(0), samplePercent: 0.01, reuse },
    {
      onSample: () => undefined,
      // The window runs from the first progress report after the warm-up to the last one.
      onProgress: (progress) => {
        if (progress.elapsedS < options.warmupSeconds) return;
        const cpuS = readCpuSeconds(loadgen.pid);
        if (cpuS === undefined) return;
        const mark = { atMs: Date.now(), cpuS, events: progress.eventsSent, envelopes: progress.sent };
        if (!first) {
          first = mark;
          sinkCpuAtFirst = process.cpuUsage();
        } else {
          last = mark;
          sinkCpu = process.cpuUsage(sinkCpuAtFirst);
        }
      },
    },
  );
  monitor.watch('loadgen', loadgen.pid);
  const summary: LoadSummary = await loadgen.done();
  monitor.unwatch('loadgen');
  if (!first || !last || last.events <= first.events) throw new Error(`reuse ${reuse}: no two progress reports after the warm-up; run longer (--seconds)`);
  const windowS = (last.atMs - first.atMs) / 1000;
  const cpuS = last.cpuS - first.cpuS;
  const events = last.events - first.events;
  const processCpu = monitor.cpuSeconds('loadgen', startedMs, Date.now());
  return {
    reuse,
    offered_events_per_s: options.rate,
    sent_events_per_s: summary.rate.eventsPerS,
    sent_envelopes_per_s: summary.rate.envelopesPerS,
    behind_events: summary.events.behind,
    accepted_share: round(summary.events.accepted / Math.max(1, summary.events.sent), 4),
    cpu_s: round(cpuS, 2),
    events,
    window_s: round(windowS, 1),
    cpu_ms_per_1000_events: round((cpuS * 1e6) / events, 1),
    cpu_ms_per_1000_envelopes: round((cpuS * 1e6) / Math.max(1, last.envelopes - first.envelopes), 1),
    cores: round(cpuS / windowS, 3),
    process_cpu_s: round(processCpu, 2),
    rss_max_mb: monitor.rss('loadgen', startedMs, Date.now()).max,
    latency_ms: { p50: summary.latencyMs.p50, p99: summary.latencyMs.p99 },
    send_lag_p99_ms: summary.scheduleLagMs?.p99 ?? null,
    sink_cores: sinkCpu ? round((sinkCpu.user + sinkCpu.system) / 1e6 / windowS, 3) : NaN,
  };
}

async function main(): Promise<number> {
  const options = readOptions();
  const script = join('dist', 'scripts', 'bench', 'e2e', 'loadgen-child.js');
  checkPrerequisites(root, [script]);
  const startedAt = new Date();
  const sink = await startSink();
  const monitor = new ProcessMonitor(500);
  const dsns = Array.from({ length: options.projects }, (_, i) => `http://${PUBLIC_KEY}@127.0.0.1:${sink.port}/${i + 1}`);
  const runs: RunFigures[] = [];
  try {
    for (const reuse of options.reuse) runs.push(await measure(options, reuse, dsns, monitor, join(root, script)));
  } finally {
    monitor.stop();
    sink.server.closeAllConnections();
    await new Promise<void>((done) => sink.server.close(() => done()));
  }
  console.log('');
  console.log(`Load generator against a trivial sink on 127.0.0.1 (${fmt(options.rate)} events/s offered, ${options.seconds} s measured after ${options.warmupSeconds} s, ${options.concurrency} connections)`);
  printColumns(
    ['reuse', 'sent ev/s', 'env/s', 'behind', 'accepted', 'CPU ms / 1,000 ev', 'per 1,000 env', 'cores', 'process CPU s', 'RSS max MB', 'p50 / p99 ms', 'lag p99 ms', 'sink cores'],
    runs.map((r) => [
      String(r.reuse),
      fmt(r.sent_events_per_s),
      fmt(r.sent_envelopes_per_s),
      fmt(r.behind_events),
      `${(r.accepted_share * 100).toFixed(1)} %`,
      fmt(r.cpu_ms_per_1000_events),
      fmt(r.cpu_ms_per_1000_envelopes),
      fmt(r.cores),
      fmt(r.process_cpu_s),
      fmt(r.rss_max_mb),
      `${fmt(r.latency_ms.p50)} / ${fmt(r.latency_ms.p99)}`,
      r.send_lag_p99_ms === null ? '' : fmt(r.send_lag_p99_ms),
      fmt(r.sink_cores),
    ]),
    [true, true, true, true, true, true, true, true, true, true, true, true, true],
  );
  const headline = runs[runs.length - 1];
  // From the cost per event, not from the cores it got: on a machine shared with other jobs the
  // generator may get less CPU than it needs (then it falls behind, and `behind` says so).
  const coresAt5000 = round((headline.cpu_ms_per_1000_events * TARGET_EVENTS_PER_S) / 1_000_000, 2);
  const result = {
    benchmark: 'loadgen',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    cpu_ms_per_1000_events: headline.cpu_ms_per_1000_events,
    cores: headline.cores,
    offered_events_per_s: options.rate,
    cores_needed_at_5000_events_per_s: coresAt5000,
    target: 'the generator needs less than one core at 5,000 events/s (CPU ms per 1,000 events × 5)',
    target_met: coresAt5000 < 1,
    runs,
    sink_requests: sink.requests(),
    options,
    machine: machine(root),
  };
  console.log('');
  log(
    `at ${fmt(options.rate)} events/s: ${fmt(headline.cpu_ms_per_1000_events)} CPU ms per 1,000 events, ${fmt(headline.cores)} cores used, ` +
      `${fmt(coresAt5000)} cores needed at 5,000 events/s (target < 1: ${result.target_met ? 'met' : 'MISSED'})`,
  );
  if (headline.behind_events > 0) log(`${fmt(headline.behind_events)} events were behind: the generator (or the sink) got less CPU than the rate needs on this machine now`);
  const file = writeResult(root, 'loadgen', startedAt, result, options.out);
  log(`results written to ${file}`);
  return 0;
}

runMain('pulse bench loadgen', main);
