// The end-to-end benchmark's load generator, as a child process of scripts/bench-e2e.ts (forked
// with an IPC channel), so its CPU shows apart from the benchmark's own: @pulse/loadgen's runLoad
// in open loop at a fixed rate, reporting every Nth accepted transaction (server or pageload
// envelope) as a freshness sample, its progress once a second, and its summary at the end.
// SIGTERM or SIGINT stops sending early; the summary still comes.
import { runLoad } from '@pulse/loadgen';
import type { LoadgenChildOptions, LoadgenMessage } from './loadgen-messages';

function post(message: LoadgenMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadgenChildOptions;
  const every = Math.max(1, Math.round(100 / options.samplePercent));
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  process.on('SIGINT', () => stop.abort());
  let transactions = 0;
  post({ type: 'started', atMs: Date.now() });
  const summary = await runLoad({
    dsns: options.dsns,
    rate: options.rate,
    durationS: options.durationS,
    concurrency: options.concurrency,
    seed: options.seed,
    idSeed: options.idSeed,
    reuse: options.reuse,
    signal: stop.signal,
    progressIntervalMs: 1000,
    onProgress: (progress) => post({ type: 'progress', progress }),
    onEnvelope: (report) => {
      if (report.kind !== 'server' && report.kind !== 'pageload') return;
      if (!report.outcome.ok || report.outcome.status < 200 || report.outcome.status > 299) return;
      if (++transactions % every !== 0) return;
      post({ type: 'sample', traceId: report.traceIds[0], projectId: Number(report.projectId), sentAtMs: report.sentAtMs });
    },
  });
  // The last message: disconnect once it is written, and the process ends.
  process.send?.({ type: 'summary', summary } satisfies LoadgenMessage, () => process.disconnect?.());
}

main().catch(
  (error: unknown) => {
    console.error(`loadgen child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
    process.disconnect?.();
  },
);
