import { ConfigError, SharedConfig } from '@pulse/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppDefinition, runApp } from './run-app';

/** runApp's start-up failures and the supervising process; the HTTP side: run-app.int-spec.ts. */
describe('runApp', () => {
  const config = (pulseConfigPath?: string): SharedConfig => ({
    host: '127.0.0.1',
    logLevel: 'silent',
    pulseConfigPath,
    httpTimeouts: { requestMs: 1000, headersMs: 1000, idleMs: 1000, keepAliveMs: 1000 },
  });
  const definition = (overrides: Partial<AppDefinition<SharedConfig>>): AppDefinition<SharedConfig> => ({
    name: 'test-app',
    loadConfig: () => config(),
    port: () => 0,
    createModule: () => {
      throw new Error('createModule must not run');
    },
    ...overrides,
  });
  let printed: unknown[][];
  let exit: jest.SpyInstance;

  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args));
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reports a bad variable as `<app>: <message>` and exits with code 1', async () => {
    await runApp(definition({ loadConfig: () => { throw new ConfigError('invalid environment: X_PORT="x" must be an integer from 0 to 65535'); } }));
    expect(printed).toEqual([['test-app: invalid environment: X_PORT="x" must be an integer from 0 to 65535']]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('reports a missing or bad PULSE_CONFIG the same way, before the app is built', async () => {
    await runApp(definition({}));
    expect(printed).toEqual([[expect.stringMatching(/^test-app: PULSE_CONFIG is not set/)]]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('prints any other start-up error as it is, with the same exit code', async () => {
    const failure = new Error('cannot reach the broker');
    await runApp(definition({ loadConfig: () => config(pulseConfigFile()), createModule: () => Promise.reject(failure) }));
    expect(printed).toEqual([[failure]]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('builds no HTTP app in a process that supervises workers, once PULSE_CONFIG has been read', async () => {
    const supervise = jest.fn(() => true);
    await runApp(definition({ loadConfig: () => config(pulseConfigFile()), supervise }));
    expect(supervise).toHaveBeenCalledWith(expect.objectContaining({ logLevel: 'silent' }), expect.anything());
    expect([printed, exit.mock.calls]).toEqual([[], []]);

    await runApp(definition({ supervise }));
    expect(supervise).toHaveBeenCalledTimes(1);
    expect(printed).toEqual([[expect.stringMatching(/^test-app: PULSE_CONFIG is not set/)]]);
  });
});

function pulseConfigFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pulse-run-app-')), 'pulse-config.json');
  writeFileSync(path, JSON.stringify({ projects: [{ id: 1, name: 'x', keys: ['0'.repeat(32)] }], tokens: [] }));
  return path;
}
