/** Command line of scripts/local-infra.ts, parsed without touching the file system. */
export type InfraTarget = 'kafka' | 'clickhouse' | 'postgres' | 'all';
export type InfraCommand = 'start' | 'stop' | 'status';

export interface LocalInfraArgs {
  target: InfraTarget;
  command: InfraCommand;
  /** Only for a single service. */
  port?: number;
  /** As given (relative to the working directory); for `all` the folder above kafka/, clickhouse/ and postgres/. */
  stateDir?: string;
}

export const LOCAL_INFRA_USAGE = [
  'usage: local-infra <kafka|clickhouse|postgres|all> <start|stop|status> [--port <port>] [--state-dir <dir>]',
  '  kafka       port 9092, state .local/dev/kafka',
  '  clickhouse  port 8123, state .local/dev/clickhouse (data in <state>/data)',
  '  postgres    port 5432, state .local/dev/postgres (data in <state>/data); postgres://pulse:pulse@127.0.0.1:5432/pulse',
  '  all         the three; --state-dir names the folder holding kafka/, clickhouse/ and postgres/ (default .local/dev)',
  '  status exits 3 when a service is down',
].join('\n');

const TARGETS: readonly string[] = ['kafka', 'clickhouse', 'postgres', 'all'];
const COMMANDS: readonly string[] = ['start', 'stop', 'status'];

export function parseLocalInfraArgs(argv: string[]): LocalInfraArgs {
  const [target, command, ...rest] = argv;
  if (!TARGETS.includes(target) || !COMMANDS.includes(command)) throw new Error(LOCAL_INFRA_USAGE);
  const args: LocalInfraArgs = { target: target as InfraTarget, command: command as InfraCommand };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined || value === '') throw new Error(`${flag} needs a value\n${LOCAL_INFRA_USAGE}`);
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port "${value}"`);
      if (args.target === 'all') throw new Error('--port applies to one service: use kafka, clickhouse or postgres');
      args.port = port;
    } else if (flag === '--state-dir') {
      args.stateDir = value;
    } else {
      throw new Error(`unknown option ${flag}\n${LOCAL_INFRA_USAGE}`);
    }
  }
  return args;
}
