import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/** VmRSS of a process in KiB, from /proc (Linux); undefined once it has exited. */
export function readRssKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** KiB → MB with one decimal; NaN for a process that has gone. */
export function mbOf(kb: number | undefined): number {
  return kb === undefined ? NaN : Math.round((kb / 1024) * 10) / 10;
}

/** User + system CPU seconds a process has used so far (its own threads, not its children). */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime of a /proc/<pid>/stat line, in seconds. The command name may hold spaces and parentheses. */
export function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "(comm) ": state is field 3 of the man page, so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat line: ${stat.slice(0, 120)}`);
  return (utime + stime) / TICKS_PER_SECOND;
}

/**
 * Samples RSS on a timer, keeping every sample (MB) until stopped: of one process (a pid), or of
 * whatever `readKb` sums (a process and its workers); an undefined reading (gone) is skipped.
 */
export class RssSampler {
  readonly samplesMb: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly readKb: () => number | undefined;

  constructor(source: number | (() => number | undefined), intervalMs = 500) {
    this.readKb = typeof source === 'number' ? () => readRssKb(source) : source;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** The most recent sample (MB), or NaN. */
  get last(): number {
    return this.samplesMb.length === 0 ? NaN : this.samplesMb[this.samplesMb.length - 1];
  }

  stop(): number[] {
    clearInterval(this.timer);
    this.sample();
    return this.samplesMb;
  }

  private sample(): void {
    const mb = mbOf(this.readKb());
    if (!Number.isNaN(mb)) this.samplesMb.push(mb);
  }
}
