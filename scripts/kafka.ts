/**
 * Local Kafka broker for development: `node dist/scripts/kafka.js start|stop|status`
 * [--port 9092] [--state-dir .local/dev/kafka]. Run from the repository root.
 */
import { resolve } from 'node:path';
// Imported by path rather than from '@pulse/local-infra' so the CLI does not load the other local
// services (the ClickHouse engine) just to manage Kafka.
import { LocalKafka } from '../libs/local-infra/src/kafka/local-kafka';

const USAGE = 'usage: kafka start|stop|status [--port <port>] [--state-dir <dir>]';

function parseArgs(argv: string[]): { command: string; port: number; stateDir: string } {
  const [command, ...rest] = argv;
  let port = 9092;
  let stateDir = '.local/dev/kafka';
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
  const kafka = new LocalKafka({ port, stateDir });
  switch (command) {
    case 'start': {
      const started = Date.now();
      await kafka.start();
      console.log(`Kafka broker ready at ${kafka.endpoint} (pid ${kafka.runningPid()}, ${Date.now() - started} ms; log ${kafka.logFile})`);
      return 0;
    }
    case 'stop':
      await kafka.stop();
      console.log(`Kafka broker at ${kafka.endpoint} stopped`);
      return 0;
    default: {
      const pid = kafka.runningPid();
      if (await kafka.isRunning()) {
        console.log(`Kafka broker running at ${kafka.endpoint} (pid ${pid}, state ${stateDir})`);
        return 0;
      }
      console.log(pid === undefined ? 'Kafka broker not running' : `Kafka broker pid ${pid} is up but not answering at ${kafka.endpoint}`);
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
