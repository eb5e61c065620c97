import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { readFileSync } from 'node:fs';
import { ConfigError } from './env-reader';
import { DATA_CATEGORIES, publicKeyOf, PulseConfigDto, RateLimitsDto } from './pulse-config.dto';
import { ProjectRegistry } from './project-registry';

/** Reads, validates and cross-checks the PULSE_CONFIG file; every problem is named in the error. */
export function loadPulseConfigFile(path: string | undefined): ProjectRegistry {
  if (!path) {
    throw new ConfigError(
      'PULSE_CONFIG is not set: point it at a projects/tokens JSON file (see README), or run `npm start`, which writes a development one',
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`PULSE_CONFIG ${path} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`PULSE_CONFIG ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return new ProjectRegistry(parsePulseConfig(json, `PULSE_CONFIG ${path}`));
}

export function parsePulseConfig(json: unknown, source = 'config'): PulseConfigDto {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${source} must be a JSON object with "projects" and "tokens"`);
  }
  const config = plainToInstance(PulseConfigDto, normalizeKeyEntries(json as Record<string, unknown>));
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  const problems = flattenErrors(errors);
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(`${source} is invalid: ${problems.join('; ')}`);
  return config;
}

/**
 * A keys entry is a plain key or `{key, rateLimits}`. class-validator cannot validate a union, so
 * every entry that is not an object becomes `{key: entry}` here, before plainToInstance: only the
 * object form is validated, and a bad plain key is reported as before. The input is not modified.
 */
function normalizeKeyEntries(json: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(json.projects)) return json;
  const projects = json.projects.map((project: unknown) => {
    if (typeof project !== 'object' || project === null || !Array.isArray((project as { keys?: unknown }).keys)) return project;
    const keys = ((project as { keys: unknown[] }).keys).map((entry) => (isPlainObject(entry) ? entry : { key: entry }));
    return { ...project, keys };
  });
  return { ...json, projects };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function crossCheck(config: PulseConfigDto): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  const keys = new Map<string, number>();
  for (const project of config.projects ?? []) {
    if (ids.has(project.id)) problems.push(`project id ${project.id} appears twice`);
    ids.add(project.id);
    for (const key of Array.isArray(project.keys) ? project.keys.map(publicKeyOf) : []) {
      if (typeof key !== 'string') continue;
      const owner = keys.get(key);
      if (owner !== undefined) problems.push(`key ${key} belongs to projects ${owner} and ${project.id}`);
      keys.set(key, project.id);
    }
  }
  const tokens = new Set<string>();
  (config.tokens ?? []).forEach((token, index) => {
    if (tokens.has(token.token)) problems.push(`tokens[${index}] repeats a token`);
    tokens.add(token.token);
    for (const id of token.projects ?? []) {
      if (!ids.has(id)) problems.push(`tokens[${index}] names unknown project ${id}`);
    }
    if (Array.isArray(token.scopes) && token.scopes.includes('write') && !token.scopes.includes('read')) {
      problems.push(`tokens[${index}] has scope "write" without "read": every endpoint needs read`);
    }
  });
  // A query token that also opened /metrics would hand a tenant every project's traffic figures.
  if (config.metricsToken !== undefined && tokens.has(config.metricsToken)) problems.push('metricsToken must differ from every API token');
  return problems;
}

function flattenErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    // "nested property x must be either object or array" only repeats a more precise message.
    const own = constraints
      .filter(([type]) => type !== 'nestedValidation' || constraints.length === 1)
      .map(([type, message]) => `${path}: ${describe(error, type, message)}`);
    // Inside a value that is not even an object, per-field messages are noise.
    const children = error.constraints?.isObject ? [] : (error.children ?? []);
    return [...own, ...flattenErrors(children, path)];
  });
}

function describe(error: ValidationError, type: string, message: string): string {
  if (type === 'whitelistValidation' && error.target instanceof RateLimitsDto) {
    return `unknown data category "${error.property}" (one of ${DATA_CATEGORIES.join(', ')})`;
  }
  return message;
}
