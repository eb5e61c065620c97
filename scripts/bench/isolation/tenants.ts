import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { BENCH_METRICS_TOKEN, BenchProject, benchProjects } from '../pulse-config';

/** The tenants of the isolation benchmark: who sends what, with which token. */
export interface IsolationTenants {
  projects: BenchProject[];
  /** Project 1's token: the one sending the heavy queries. */
  heavyToken: string;
  /** Project 2's token: the simple query whose latency is measured. */
  probeToken: string;
  /** Every project: the freshness poller's. */
  pollToken: string;
}

/** Writes the run's PULSE_CONFIG (owner-readable): three projects and a token per role. */
export function writeIsolationConfig(path: string): IsolationTenants {
  const projects = benchProjects([1, 2, 3]);
  const token = (): string => `tok_${randomBytes(16).toString('hex')}`;
  const tenants = { projects, heavyToken: token(), probeToken: token(), pollToken: token() };
  writeFileSync(
    path,
    JSON.stringify({
      projects: projects.map((p) => ({ id: p.id, name: `bench-${p.id}`, keys: [p.key] })),
      tokens: [
        { token: tenants.heavyToken, projects: [1] },
        { token: tenants.probeToken, projects: [2] },
        { token: tenants.pollToken, projects: projects.map((p) => p.id) },
      ],
      metricsToken: BENCH_METRICS_TOKEN,
    }),
    { mode: 0o600 },
  );
  return tenants;
}
