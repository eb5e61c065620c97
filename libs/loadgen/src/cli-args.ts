import { parseArgs } from 'node:util';
import { LoadOptionsError } from './load-options-error';
import { parseMix } from './mix';
import { DEFAULTS, LoadOptions } from './options';

export const USAGE = `npm run loadgen -- --dsn <dsn> [--dsn <dsn>…] [flags]
Simulates Sentry SDK clients (browser and Node) sending envelopes to Pulse; see docs/loadgen.md.

  --dsn <dsn>            project DSN, repeatable: events are spread over the projects (required)
  --rate <n|max>         events/s, open loop (default 100); max or 0: closed loop, as fast as --concurrency allows
  --duration <s>         how long to send (default 10)
  --concurrency <n>      most requests in flight (default ${DEFAULTS.concurrency}); an event due while all are busy counts as behind
  --seed <n>             content seed (default random, printed): the same seed sends the same events
  --mix <k=w,…>          weights of pageload, server, error, session (default pageload=30,server=45,error=10,session=15)
  --users <n>            size of the simulated user pool (default ${DEFAULTS.users})
  --reuse <n>            events per pageload or server content, rendered with fresh ids and times (default ${DEFAULTS.reuse}; 1 builds every envelope)
  --timeout-ms <ms>      per request (default ${DEFAULTS.timeoutMs})
  --allow-remote         allow DSN hosts other than 127.0.0.1, localhost and [::1]
  --json                 also print the summary as one JSON object, the last line of stdout
  --quiet                no progress lines on stderr
  --help                 this text

Exit status: 0 when done, 1 when nothing was accepted (or on a failure), 2 on bad flags. Ctrl-C stops
sending, waits for the last responses and prints the summary; a second Ctrl-C exits at once.`;

export type CliCommand = { help: true } | { help: false; options: LoadOptions; json: boolean; quiet: boolean };

function number(flag: string, text: string, check: (value: number) => boolean, expected: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (text.trim() === '' || !check(value)) throw new LoadOptionsError(`--${flag} must be ${expected}, got ${JSON.stringify(text)}`);
  return value;
}

const isCount = (min: number) => (value: number) => Number.isInteger(value) && value >= min;

/** The command line → runLoad options (LoadOptionsError for anything malformed; ranges are checked again by runLoad). */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        dsn: { type: 'string', multiple: true },
        rate: { type: 'string', default: '100' },
        duration: { type: 'string', default: '10' },
        concurrency: { type: 'string', default: String(DEFAULTS.concurrency) },
        seed: { type: 'string' },
        mix: { type: 'string' },
        users: { type: 'string', default: String(DEFAULTS.users) },
        reuse: { type: 'string', default: String(DEFAULTS.reuse) },
        'timeout-ms': { type: 'string', default: String(DEFAULTS.timeoutMs) },
        'allow-remote': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new LoadOptionsError((error as Error).message);
  }
  if (values.help) return { help: true };
  const rateText = values.rate.trim().toLowerCase();
  let mix;
  try {
    mix = values.mix === undefined ? undefined : parseMix(values.mix);
  } catch (error) {
    throw new LoadOptionsError((error as Error).message);
  }
  return {
    help: false,
    json: values.json,
    quiet: values.quiet,
    options: {
      dsns: values.dsn ?? [],
      rate: rateText === 'max' ? 'max' : number('rate', values.rate, (v) => Number.isFinite(v) && v >= 0, 'a number of events/s or max'),
      durationS: number('duration', values.duration, (v) => Number.isFinite(v) && v > 0, 'a positive number of seconds'),
      concurrency: number('concurrency', values.concurrency, isCount(1), 'a positive integer'),
      seed: values.seed === undefined ? undefined : number('seed', values.seed, (v) => isCount(0)(v) && v < 2 ** 32, 'an integer in [0, 2^32)'),
      mix,
      users: number('users', values.users, isCount(0), 'a non-negative integer'),
      reuse: number('reuse', values.reuse, isCount(1), 'a positive integer'),
      timeoutMs: number('timeout-ms', values['timeout-ms'], (v) => Number.isFinite(v) && v > 0, 'a positive number of ms'),
      allowRemote: values['allow-remote'],
    },
  };
}
