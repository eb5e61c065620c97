import { parseCliArgs } from './cli-args';
import { LoadOptionsError } from './load-options-error';

describe('parseCliArgs', () => {
  it('reads every flag', () => {
    const command = parseCliArgs(['--dsn', 'http://a@127.0.0.1:1/1', '--dsn', 'http://b@127.0.0.1:1/2', '--rate', '500', '--duration', '2.5', '--concurrency', '8', '--seed', '42', '--mix', 'server=1', '--users', '10', '--reuse', '4', '--timeout-ms', '2000', '--allow-remote', '--json', '--quiet']);
    expect(command).toEqual({
      help: false,
      json: true,
      quiet: true,
      options: {
        dsns: ['http://a@127.0.0.1:1/1', 'http://b@127.0.0.1:1/2'],
        rate: 500,
        durationS: 2.5,
        concurrency: 8,
        seed: 42,
        mix: { pageload: 0, server: 1, error: 0, session: 0 },
        users: 10,
        reuse: 4,
        timeoutMs: 2000,
        allowRemote: true,
      },
    });
  });

  it('has defaults, and takes --rate max', () => {
    const command = parseCliArgs(['--dsn=http://a@127.0.0.1:1/1', '--rate', 'MAX']);
    expect(command).toMatchObject({ help: false, json: false, quiet: false, options: { rate: 'max', durationS: 10, concurrency: 32, reuse: 16, seed: undefined, mix: undefined, allowRemote: false } });
  });

  it('answers --help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
  });

  it('refuses unknown flags, positionals and malformed numbers', () => {
    for (const argv of [['--rat', '5'], ['extra'], ['--rate', 'fast'], ['--duration', '0'], ['--concurrency', '2.5'], ['--seed', '-3'], ['--reuse', '0'], ['--mix', 'x=1'], ['--rate', '']]) {
      expect(() => parseCliArgs(argv)).toThrow(LoadOptionsError);
    }
  });
});
