import { AppProcess } from '@pulse/local-infra';
import type { ClickHouseConnection } from '@pulse/storage';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../../test/support/test-infra';
import { PROJECTS } from './dataset-shape';

/** A PULSE_CONFIG with the bench's projects and one API token for all of them. */
export function writePulseConfig(path: string): string {
  const token = `tok_${randomBytes(16).toString('hex')}`;
  writeFileSync(
    path,
    JSON.stringify({
      projects: PROJECTS.map((id) => ({ id, name: `bench-${id}`, keys: [randomBytes(16).toString('hex')] })),
      tokens: [{ token, projects: PROJECTS }],
    }),
    { mode: 0o600 },
  );
  return token;
}

/** Starts the built query app on a free port against `clickhouse`; resolves once /ready answers 200. */
export async function startQueryApp(root: string, clickhouse: ClickHouseConnection, configPath: string, onLine?: (line: string) => void): Promise<AppProcess> {
  const [port] = await freePorts(1);
  const app = new AppProcess({
    app: 'query',
    root,
    port,
    env: {
      ...process.env,
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_USER: clickhouse.user,
      CLICKHOUSE_PASSWORD: clickhouse.password,
      CLICKHOUSE_DATABASE: clickhouse.database,
      PULSE_CONFIG: configPath,
      QUERY_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    onLine: (_app, line) => onLine?.(line),
  });
  await app.start();
  return app;
}

/** VmRSS of a process in KiB, from /proc (Linux). */
export function readRssKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(join('/proc', String(pid), 'status'), 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const RSS_INTERVAL_MS = 250;

/** Samples a process's RSS on a timer until stopped. */
export class RssSampler {
  private readonly samplesKb: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_INTERVAL_MS);
  }

  /** Idle (first sample), median and maximum, MB. */
  stop(): { idleMb: number; p50Mb: number; maxMb: number; samples: number } {
    clearInterval(this.timer);
    this.sample();
    const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
    const sorted = [...this.samplesKb].sort((a, b) => a - b);
    return { idleMb: mb(this.samplesKb[0] ?? NaN), p50Mb: mb(sorted[Math.floor(sorted.length / 2)] ?? NaN), maxMb: mb(sorted[sorted.length - 1] ?? NaN), samples: sorted.length };
  }

  private sample(): void {
    const kb = readRssKb(this.pid);
    if (kb !== undefined) this.samplesKb.push(kb);
  }
}
