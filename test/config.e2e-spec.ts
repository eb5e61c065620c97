import { AppName, AppProcess, freePorts } from '@pulse/local-infra';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/e2e-stack';

/** The built apps refuse to start on bad configuration, and say what is wrong. */
describe('start-up configuration', () => {
  async function startFails(app: AppName, env: NodeJS.ProcessEnv): Promise<string> {
    const [port] = await freePorts(1);
    const { PULSE_CONFIG: _ignored, ...inherited } = process.env;
    const process_ = new AppProcess({ app, root: ROOT, port, env: { ...inherited, ...env, INGEST_PORT: String(port), QUERY_PORT: String(port) } });
    try {
      await process_.start(20_000);
    } catch (error) {
      expect(await process_.waitForExit()).toEqual({ code: 1, signal: null });
      return (error as Error).message;
    }
    await process_.stop();
    throw new Error(`${app} started although its configuration is invalid`);
  }

  function configFile(content: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'pulse-config-')), 'pulse-config.json');
    writeFileSync(path, content);
    return path;
  }

  it('names a missing PULSE_CONFIG', async () => {
    expect(await startFails('ingest', {})).toMatch(/PULSE_CONFIG is not set/);
  });

  it('names the invalid field of the config file', async () => {
    const path = configFile(JSON.stringify({ projects: [{ id: 1, name: 'x', keys: ['nothex'] }], tokens: [] }));
    expect(await startFails('query', { PULSE_CONFIG: path })).toMatch(/projects\[0\]\.keys: each key must be 32 lower-case hex characters/);
  });

  it('names a config file that is not JSON', async () => {
    expect(await startFails('ingest', { PULSE_CONFIG: configFile('{projects:') })).toMatch(/is not valid JSON/);
  });

  it('names a bad environment variable', async () => {
    const path = configFile(JSON.stringify({ projects: [{ id: 1, name: 'x', keys: ['0'.repeat(32)] }], tokens: [] }));
    expect(await startFails('ingest', { PULSE_CONFIG: path, KAFKA_BROKERS: 'no-port-here' })).toMatch(/KAFKA_BROKERS must be a comma-separated list of host:port/);
  });
});
