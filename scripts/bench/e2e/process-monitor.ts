import { mbOf, readCpuSeconds, readRssKb } from '../proc';
import { medianMax, MedianMax, round } from '../stats';

interface Sample {
  atMs: number;
  pid: number;
  rssMb: number;
  cpuS: number;
}

/**
 * RSS (VmRSS of /proc/<pid>/status) and CPU time (/proc/<pid>/stat) of named processes, once a
 * second. A name may be pointed at a new pid (the load generator runs once per step).
 */
export class ProcessMonitor {
  private readonly pids = new Map<string, number>();
  private readonly series = new Map<string, Sample[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 1000) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  watch(name: string, pid: number): void {
    this.pids.set(name, pid);
    this.sampleOne(name, pid, Date.now());
  }

  unwatch(name: string): void {
    const pid = this.pids.get(name);
    if (pid !== undefined) this.sampleOne(name, pid, Date.now());
    this.pids.delete(name);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  sample(): void {
    const now = Date.now();
    for (const [name, pid] of this.pids) this.sampleOne(name, pid, now);
  }

  /** RSS median and max (MB) of `name` over [fromMs, toMs] (the whole run when omitted). */
  rss(name: string, fromMs = 0, toMs = Infinity): MedianMax {
    return medianMax((this.series.get(name) ?? []).filter((s) => s.atMs >= fromMs && s.atMs <= toMs).map((s) => s.rssMb));
  }

  /** Cores `name` used over [fromMs, toMs]: CPU seconds between its first and last sample there ÷ their distance. */
  cores(name: string, fromMs: number, toMs: number): number {
    const span = this.span(name, fromMs, toMs);
    return span ? round(span.cpuS / span.seconds, 3) : NaN;
  }

  /** CPU seconds `name` used between its first and last sample in [fromMs, toMs]; NaN without two samples of one pid. */
  cpuSeconds(name: string, fromMs: number, toMs: number): number {
    return this.span(name, fromMs, toMs)?.cpuS ?? NaN;
  }

  private span(name: string, fromMs: number, toMs: number): { cpuS: number; seconds: number } | undefined {
    const inWindow = (this.series.get(name) ?? []).filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
    if (inWindow.length < 2) return undefined;
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (first.pid !== last.pid || last.atMs <= first.atMs) return undefined;
    return { cpuS: last.cpuS - first.cpuS, seconds: (last.atMs - first.atMs) / 1000 };
  }

  private sampleOne(name: string, pid: number, atMs: number): void {
    const kb = readRssKb(pid);
    const cpuS = readCpuSeconds(pid);
    if (kb === undefined || cpuS === undefined) return;
    let list = this.series.get(name);
    if (!list) this.series.set(name, (list = []));
    list.push({ atMs, pid, rssMb: mbOf(kb), cpuS });
  }
}
