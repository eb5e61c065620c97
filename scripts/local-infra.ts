/**
 * The local development services, started in the background and found again by pid file:
 *   node dist/scripts/local-infra.js <kafka|clickhouse|postgres|all> <start|stop|status> [--port N] [--state-dir D]
 * (`npm run infra -- kafka start`). The defaults are the ones `npm start` uses, so both see the
 * same processes. `status` exits 3 when a service is down.
 */
import { join, resolve } from 'node:path';
import { type LocalInfraArgs, LocalClickHouse, LocalKafka, LocalPostgres, parseLocalInfraArgs } from '@pulse/local-infra';

const root = resolve(__dirname, '..', '..');
/** What scripts/start.ts passes to bringUpInfra as its stateDir. */
const DEV_STATE_DIR = join(root, '.local', 'dev');

interface Managed {
  label: string;
  service: LocalKafka | LocalClickHouse | LocalPostgres;
}

/** The layout of bringUpInfra (libs/local-infra/src/infra.ts): <stateDir>/kafka, <stateDir>/clickhouse/data and <stateDir>/postgres/data. */
function services({ target, port, stateDir }: LocalInfraArgs): Managed[] {
  const own = stateDir === undefined ? undefined : resolve(process.cwd(), stateDir);
  const base = target === 'all' && own ? own : DEV_STATE_DIR;
  const managed: Managed[] = [];
  if (target === 'kafka' || target === 'all') {
    const dir = target === 'kafka' && own ? own : join(base, 'kafka');
    managed.push({ label: 'Kafka broker', service: new LocalKafka({ port: port ?? 9092, stateDir: dir }) });
  }
  if (target === 'clickhouse' || target === 'all') {
    const dir = target === 'clickhouse' && own ? own : join(base, 'clickhouse');
    managed.push({ label: 'ClickHouse', service: new LocalClickHouse({ port: port ?? 8123, dataDir: join(dir, 'data') }) });
  }
  if (target === 'postgres' || target === 'all') {
    const dir = target === 'postgres' && own ? own : join(base, 'postgres');
    managed.push({ label: 'PostgreSQL', service: new LocalPostgres({ port: port ?? 5432, stateDir: dir }) });
  }
  return managed;
}

async function start({ label, service }: Managed): Promise<void> {
  const startedAt = Date.now();
  await service.start();
  console.log(`${label} ready at ${service.endpoint} (pid ${service.runningPid()}, ${Date.now() - startedAt} ms; log ${service.logFile})`);
}

async function stop({ label, service }: Managed): Promise<void> {
  await service.stop();
  console.log(`${label} at ${service.endpoint} stopped`);
}

async function status({ label, service }: Managed): Promise<{ up: boolean; line: string }> {
  const pid = service.runningPid();
  if (await service.isRunning()) return { up: true, line: `${label} running at ${service.endpoint} (pid ${pid}, state ${service.stateDir})` };
  const line = pid === undefined ? `${label} not running` : `${label} pid ${pid} is up but not answering at ${service.endpoint}`;
  return { up: false, line };
}

async function main(): Promise<number> {
  const args = parseLocalInfraArgs(process.argv.slice(2));
  const managed = services(args);
  if (args.command === 'status') {
    const states = await Promise.all(managed.map(status));
    for (const { line } of states) console.log(line);
    return states.every(({ up }) => up) ? 0 : 3;
  }
  const results = await Promise.allSettled(managed.map(args.command === 'start' ? start : stop));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const failure of failures) console.error(failure.reason instanceof Error ? failure.reason.message : failure.reason);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
