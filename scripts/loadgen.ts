// `npm run loadgen -- --dsn <dsn> [--rate 500] [--duration 10] [--concurrency 32] [--seed 42] [--json]`
// (after `npm run build`): simulated Sentry SDK clients sending envelopes to Pulse over HTTP.
// Progress goes to stderr once a second, the summary to stdout (with --json, also one JSON object
// as the last line of stdout). Everything else is in libs/loadgen and docs/loadgen.md.
import { formatProgress, formatSummary, LoadOptionsError, parseCliArgs, runLoad, USAGE } from '@pulse/loadgen';

async function main(): Promise<number> {
  let command;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    return usageError(error);
  }
  if (command.help) {
    console.log(USAGE);
    return 0;
  }

  // First Ctrl-C (or SIGTERM): stop sending, wait for the responses in flight, print the summary.
  // A second one: leave at once.
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('loadgen: stopping (again to quit at once)…\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let summary;
  try {
    summary = await runLoad({
      ...command.options,
      signal: stop.signal,
      onProgress: command.quiet ? undefined : (progress) => process.stderr.write(`${formatProgress(progress)}\n`),
    });
  } catch (error) {
    if (error instanceof LoadOptionsError) return usageError(error);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  console.log(formatSummary(summary));
  if (command.json) console.log(JSON.stringify(summary));
  return summary.envelopes.sent > 0 && summary.envelopes.accepted === 0 ? 1 : 0;
}

function usageError(error: unknown): number {
  console.error(`loadgen: ${error instanceof Error ? error.message : String(error)} (--help lists the flags)`);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`loadgen: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
