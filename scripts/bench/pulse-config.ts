import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** A project of a benchmark run: its id and the DSN public key it ingests with. */
export interface BenchProject {
  id: number;
  key: string;
}

/** The metrics token of every config this process writes; scrapeMetrics sends it. */
export const BENCH_METRICS_TOKEN = `metrics_${randomBytes(16).toString('hex')}`;

/** Projects with these ids, each with a fresh random DSN key. */
export function benchProjects(ids: readonly number[]): BenchProject[] {
  return ids.map((id) => ({ id, key: randomBytes(16).toString('hex') }));
}

/** Writes the PULSE_CONFIG of a run (readable by its owner only): the projects, one API token for all of them, which it returns, and BENCH_METRICS_TOKEN. */
export function writePulseConfig(path: string, projects: readonly BenchProject[]): string {
  const token = `tok_${randomBytes(16).toString('hex')}`;
  writeFileSync(
    path,
    JSON.stringify({
      projects: projects.map((p) => ({ id: p.id, name: `bench-${p.id}`, keys: [p.key] })),
      tokens: [{ token, projects: projects.map((p) => p.id) }],
      metricsToken: BENCH_METRICS_TOKEN,
    }),
    { mode: 0o600 },
  );
  return token;
}
