import { childPids } from '@pulse/testing';
import { readCpuSeconds, readRssKb } from '../proc';

/** A process and its direct children: the ingest primary and its workers (or one ingest process). */
export function processSet(pid: number): number[] {
  return [pid, ...childPids(pid)];
}

/**
 * CPU seconds used so far by each process of a set, by pid: a phase subtracts the figures of the
 * pids present at both ends, so a worker restarted in between is left out rather than counted
 * from zero.
 */
export function cpuSecondsByPid(pids: number[]): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    const seconds = readCpuSeconds(pid);
    if (seconds !== undefined) byPid.set(pid, seconds);
  }
  return byPid;
}

/** CPU seconds the set used between two readings (pids present in both). */
export function cpuSecondsBetween(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  let matched = 0;
  for (const [pid, seconds] of end) {
    const before = start.get(pid);
    if (before === undefined) continue;
    total += seconds - before;
    matched++;
  }
  return matched === 0 ? NaN : total;
}

/** Summed RSS of a set, KiB; undefined when none is alive. */
export function setRssKb(pids: number[]): number | undefined {
  let total = 0;
  let alive = 0;
  for (const pid of pids) {
    const kb = readRssKb(pid);
    if (kb === undefined) continue;
    total += kb;
    alive++;
  }
  return alive === 0 ? undefined : total;
}
