import { parseDsn } from '@pulse/protocol';
import { LoadOptionsError } from './load-options-error';

/** One project to send to, from its DSN. */
export interface Target {
  dsn: string;
  protocol: 'http:' | 'https:';
  /** For node:http (`::1`, not `[::1]`). */
  host: string;
  port: number;
  projectId: string;
  publicKey: string;
  /** `/api/<project>/envelope/`, after the DSN's path prefix if it has one. */
  envelopePath: string;
}

/** Hosts the generator targets without `allowRemote`: the loopback names a local Pulse listens on. */
export const LOCAL_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parses a DSN with Pulse's own rules (libs/protocol `parseDsn`) and keeps what sending needs. */
export function parseTarget(dsn: string): Target {
  const parsed = parseDsn(dsn);
  if (!parsed) throw new LoadOptionsError(`not a valid DSN: ${JSON.stringify(dsn)} (expected http://<public_key>@<host>[:port]/<project_id>)`);
  const url = new URL(dsn.trim());
  const protocol = url.protocol as Target['protocol'];
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  return {
    dsn: dsn.trim(),
    protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'https:' ? 443 : 80,
    projectId: parsed.projectId,
    publicKey: parsed.publicKey,
    envelopePath: `${prefix}/api/${parsed.projectId}/envelope/`,
  };
}

export function isLocalHostname(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname.toLowerCase());
}

/**
 * Parses every DSN and refuses hosts other than the loopback ones unless `allowRemote`: a load
 * test aimed at somebody else's server by a typo is an attack, not a benchmark.
 */
export function parseTargets(dsns: readonly string[], allowRemote: boolean): Target[] {
  if (dsns.length === 0) throw new LoadOptionsError('at least one DSN is required (--dsn)');
  const targets = dsns.map(parseTarget);
  const remote = targets.filter((target) => !isLocalHostname(new URL(target.dsn).hostname));
  if (remote.length > 0 && !allowRemote) {
    const hosts = [...new Set(remote.map((target) => new URL(target.dsn).host))].join(', ');
    throw new LoadOptionsError(`refusing to load ${hosts}: only ${[...LOCAL_HOSTS].join(', ')} are allowed without --allow-remote`);
  }
  return targets;
}
