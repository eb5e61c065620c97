/**
 * Local ClickHouse HTTP server (the real engine from npm chdb) for development:
 * `node dist/scripts/clickhouse.js start|stop|status [--port 8123] [--state-dir .local/dev/clickhouse]`.
 * Run from the repository root; data lives in <state-dir>/data.
 */
import { join, resolve } from 'node:path';
// By path rather than from '@pulse/local-infra', so managing ClickHouse does not load the other
// local services.
import { LocalClickHouse } from '../libs/local-infra/src/clickhouse/local-clickhouse';

const USAGE = 'usage: clickhouse start|stop|status [--port <port>] [--state-dir <dir>]';

function parseArgs(argv: string[]): { command: string; port: number; stateDir: string } {
  const [command, ...rest] = argv;
  let port = 8123;
  let stateDir = '.local/dev/clickhouse';
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(USAGE);
    if (flag === '--port') port = Number(value);
    else if (flag === '--state-dir') stateDir = value;
    else throw new Error(USAGE);
  }
  if (!['start', 'stop', 'status'].includes(command)) throw new Error(USAGE);
  return { command, port, stateDir: resolve(process.cwd(), stateDir) };
}

async function main(): Promise<number> {
  const { command, port, stateDir } = parseArgs(process.argv.slice(2));
  const clickhouse = new LocalClickHouse({ port, dataDir: join(stateDir, 'data') });
  switch (command) {
    case 'start': {
      const started = Date.now();
      await clickhouse.start();
      console.log(`ClickHouse ready at ${clickhouse.endpoint} (pid ${clickhouse.runningPid()}, ${Date.now() - started} ms; log ${clickhouse.logFile})`);
      return 0;
    }
    case 'stop':
      await clickhouse.stop();
      console.log(`ClickHouse at ${clickhouse.endpoint} stopped`);
      return 0;
    default: {
      const pid = clickhouse.runningPid();
      if (await clickhouse.isRunning()) {
        console.log(`ClickHouse running at ${clickhouse.endpoint} (pid ${pid}, data ${clickhouse.dataDir})`);
        return 0;
      }
      console.log(pid === undefined ? 'ClickHouse not running' : `ClickHouse pid ${pid} is up but not answering at ${clickhouse.endpoint}`);
      return 3;
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
