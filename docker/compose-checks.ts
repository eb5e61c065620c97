import { loadAlertsConfig, loadConsumerConfig, loadIngestConfig, loadMigrateConfig, loadQueryConfig } from '@pulse/config';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { DockerfileStage, parseDockerfile } from './dockerfile-stages';

/**
 * Checks of docker/compose.yaml that `docker compose config` does not make, run on the project as
 * compose-go resolved it (compose-check/, the loader of `docker compose config`), against the
 * Dockerfile stages and Pulse's own config loaders. Each check returns its problems, one sentence
 * each, so that a test can show a good file has none and a broken copy has the expected one.
 *
 * The variables a service may set are not listed here: each container's environment is passed to
 * its app's loader (libs/config) through a proxy that records what the loader reads, so a variable
 * the loader does not read, a value it refuses, or a loopback default it falls back to (a variable
 * the service needs but does not set) is found from the loader itself.
 */

/** The parts of a resolved compose service (compose-go's normalized YAML) that the checks read. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: Array<{ target: number; published?: string }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  volumes?: Array<{ type: string; source?: string; target: string }>;
}

export interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
}

type ConfigLoader = (env: NodeJS.ProcessEnv) => object;

/** The config loader of each program a Pulse image runs, by the script `node` is started with. */
export const LOADERS_BY_ENTRY_POINT: Readonly<Record<string, ConfigLoader>> = {
  'dist/apps/ingest/src/main.js': loadIngestConfig,
  'dist/apps/consumer/src/main.js': loadConsumerConfig,
  'dist/apps/query/src/main.js': loadQueryConfig,
  'dist/apps/alerts/src/main.js': loadAlertsConfig,
  'dist/scripts/migrate.js': loadMigrateConfig,
};
const MIGRATE_ENTRY_POINT = 'dist/scripts/migrate.js';
/** Variables of the stores the migrations create: a service reading one runs after the migrate service. */
const STORE_VARIABLES = ['CLICKHOUSE_URL', 'DATABASE_URL'];
const LOOPBACK = /\b(?:127\.0\.0\.1|localhost)\b|\[::1\]/;

/** A service built from a Pulse image, with what its container runs and what its loader made of its environment. */
export interface PulseService {
  name: string;
  service: ComposeService;
  stage: DockerfileStage;
  entryPoint: string;
  /** The variables the app's loader read. */
  variablesRead: ReadonlySet<string>;
  /** The loaded config, or the loader's error. */
  loaded: { config: object } | { error: string };
}

export interface ComposeModel {
  project: ComposeProject;
  /** The built services' Dockerfile stages; undefined for a target the Dockerfile lacks. */
  stages: ReadonlyMap<string, DockerfileStage | undefined>;
  pulse: PulseService[];
}

/** The project as compose-check printed it. */
export function parseProject(yamlText: string): ComposeProject {
  const value: unknown = parse(yamlText);
  if (typeof value !== 'object' || value === null || !('services' in value) || typeof value.services !== 'object' || value.services === null) {
    throw new Error('compose-check printed no project with services');
  }
  return value as ComposeProject;
}

/** Joins each built service to its Dockerfile stage and its app's loader. `readText` reads the Dockerfile. */
export function inspectCompose(project: ComposeProject, readText: (path: string) => string): ComposeModel {
  const stages = new Map<string, DockerfileStage | undefined>();
  const pulse: PulseService[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    if (service.build === undefined) continue;
    const dockerfile = resolve(service.build.context, service.build.dockerfile ?? 'Dockerfile');
    const stage = service.build.target === undefined ? undefined : parseDockerfile(readText(dockerfile)).get(service.build.target);
    stages.set(name, stage);
    if (stage === undefined) continue;
    const command = service.command ?? stage.cmd ?? [];
    const entryPoint = command[0] === 'node' ? (command[1] ?? '') : '';
    const loader = LOADERS_BY_ENTRY_POINT[entryPoint];
    if (loader === undefined) {
      pulse.push({ name, service, stage, entryPoint, variablesRead: new Set(), loaded: { error: `runs ${JSON.stringify(command)}, which is no Pulse program` } });
      continue;
    }
    const environment: Record<string, string> = { ...stage.env };
    for (const [key, value] of Object.entries(service.environment ?? {})) if (value !== null) environment[key] = value;
    pulse.push({ name, service, stage, entryPoint, ...loadRecorded(loader, environment) });
  }
  return { project, stages, pulse };
}

function loadRecorded(loader: ConfigLoader, environment: Record<string, string>): Pick<PulseService, 'variablesRead' | 'loaded'> {
  const variablesRead = new Set<string>();
  const recording = new Proxy(environment, {
    get(target, name, receiver) {
      if (typeof name === 'string') variablesRead.add(name);
      return Reflect.get(target, name, receiver);
    },
  });
  try {
    return { variablesRead, loaded: { config: loader(recording) } };
  } catch (error) {
    return { variablesRead, loaded: { error: error instanceof Error ? error.message : String(error) } };
  }
}

/** Every built service names a target, and the Dockerfile has a `FROM … AS <target>` stage of that name. */
export function targetProblems(model: ComposeModel): string[] {
  return [...model.stages].flatMap(([name, stage]) => {
    if (stage !== undefined) return [];
    const target = model.project.services[name].build?.target;
    return [target === undefined ? `${name}: build has no target (the Dockerfile's last stage would be built)` : `${name}: the Dockerfile has no stage "${target}"`];
  });
}

/**
 * Each Pulse service sets only variables its loader reads, the loader accepts them, nothing it
 * reads falls back to a loopback address (which in a container is the container itself), and the
 * PULSE_CONFIG file it names is mounted.
 */
export function environmentProblems(model: ComposeModel): string[] {
  return model.pulse.flatMap(({ name, service, variablesRead, loaded }) => {
    if ('error' in loaded) return [`${name}: ${loaded.error}`];
    const problems = Object.keys(service.environment ?? {})
      .filter((key) => !variablesRead.has(key))
      .map((key) => `${name}: sets ${key}, which its config loader does not read`);
    for (const [path, value] of stringLeaves(loaded.config)) {
      if (LOOPBACK.test(value)) problems.push(`${name}: ${path} falls back to a loopback address (the variable that sets it is unset)`);
    }
    if (variablesRead.has('PULSE_CONFIG')) {
      const path = service.environment?.PULSE_CONFIG;
      if (!path) problems.push(`${name}: PULSE_CONFIG is unset (the app would know no project)`);
      else if (!(service.volumes ?? []).some((volume) => volume.target === path)) problems.push(`${name}: PULSE_CONFIG ${path} is not a mounted file`);
    }
    return problems;
  });
}

/** Each app's port (its loader's `…Port`) is the one published, and its image EXPOSEs it; host ports are unique. */
export function portProblems(model: ComposeModel): string[] {
  const problems = model.pulse.flatMap(({ name, service, stage, loaded }) => {
    if ('error' in loaded) return [];
    const appPorts = Object.entries(loaded.config)
      .filter(([key, value]) => key.endsWith('Port') && typeof value === 'number')
      .map(([, value]) => value as number);
    const published = (service.ports ?? []).map((port) => port.target);
    return [
      ...published.filter((port) => !appPorts.includes(port)).map((port) => `${name}: publishes container port ${port}, where nothing listens (the app listens on ${appPorts.join(', ') || 'no port'})`),
      ...appPorts.filter((port) => !published.includes(port)).map((port) => `${name}: the app's port ${port} is not published`),
      ...appPorts.filter((port) => !stage.exposed.includes(port)).map((port) => `${name}: the image (stage ${stage.name}) does not EXPOSE ${port}`),
    ];
  });
  const hostPorts = Object.entries(model.project.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, published: port.published })));
  for (const { name, published } of hostPorts) {
    const others = hostPorts.filter((other) => other.published === published && other.name !== name);
    if (published !== undefined && others.length > 0) problems.push(`${name}: host port ${published} is also published by ${others.map((other) => other.name).join(', ')}`);
  }
  return problems;
}

/**
 * `service_healthy` waits on a service with a healthcheck (its own or its image's);
 * `service_completed_successfully` on a one-shot service (one that is not restarted). A Pulse
 * service reaches every other service its environment names (kafka:9092, …) only after that one
 * is healthy: directly or through a chain of such conditions.
 */
export function dependencyProblems(model: ComposeModel): string[] {
  const { services } = model.project;
  const problems = Object.entries(services).flatMap(([name, service]) =>
    Object.entries(service.depends_on ?? {}).flatMap(([dependency, { condition }]) => {
      const target = services[dependency];
      if (target === undefined) return [`${name}: depends on ${dependency}, which is no service`];
      const healthcheck = target.healthcheck === undefined ? model.stages.get(dependency)?.healthcheck === true : target.healthcheck.disable !== true;
      if (condition === 'service_healthy' && !healthcheck) return [`${name}: waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`];
      if (condition === 'service_completed_successfully' && target.restart !== undefined && target.restart !== 'no') {
        return [`${name}: waits for ${dependency} to complete, but ${dependency} restarts (${target.restart})`];
      }
      return [];
    }),
  );
  for (const { name, service } of model.pulse) {
    const ready = readyBefore(services, name);
    for (const host of hostsNamed(service.environment ?? {})) {
      if (host in services && !ready.has(host)) problems.push(`${name}: reaches ${host} without waiting for it to be healthy (depends_on)`);
    }
  }
  return problems;
}

/** There is one migrate service, and every service that reads ClickHouse or PostgreSQL starts after it completed. */
export function migrateOrderProblems(model: ComposeModel): string[] {
  const migrate = model.pulse.filter((service) => service.entryPoint === MIGRATE_ENTRY_POINT);
  if (migrate.length !== 1) return [`expected one service running ${MIGRATE_ENTRY_POINT}, found ${migrate.length}`];
  const migrateName = migrate[0].name;
  if ((migrate[0].service.command ?? []).at(-1) !== 'up') return [`${migrateName}: must run \`migrate.js up\``];
  return model.pulse
    .filter(({ name, variablesRead }) => name !== migrateName && STORE_VARIABLES.some((variable) => variablesRead.has(variable)))
    .filter(({ service }) => service.depends_on?.[migrateName]?.condition !== 'service_completed_successfully')
    .map(({ name }) => `${name}: reads ClickHouse or PostgreSQL but does not wait for ${migrateName} to complete (service_completed_successfully)`);
}

export function allProblems(model: ComposeModel): string[] {
  return [...targetProblems(model), ...environmentProblems(model), ...portProblems(model), ...dependencyProblems(model), ...migrateOrderProblems(model)];
}

/** Services `name` waits for, directly or transitively, through healthy / completed conditions. */
function readyBefore(services: Record<string, ComposeService>, name: string): Set<string> {
  const ready = new Set<string>();
  const visit = (current: string) => {
    for (const [dependency, { condition }] of Object.entries(services[current]?.depends_on ?? {})) {
      if (condition === 'service_started' || ready.has(dependency)) continue;
      ready.add(dependency);
      visit(dependency);
    }
  };
  visit(name);
  return ready;
}

/** Host names of `host:port` in the values (URLs, broker lists). */
function hostsNamed(environment: Record<string, string | null>): Set<string> {
  const hosts = new Set<string>();
  for (const value of Object.values(environment)) {
    for (const match of (value ?? '').matchAll(/(?:^|[,/@])([A-Za-z][A-Za-z0-9_.-]*):\d+/g)) hosts.add(match[1]);
  }
  return hosts;
}

/** Every string in a config object, with its dotted path. */
function stringLeaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => stringLeaves(child, path === '' ? key : `${path}.${key}`));
}
