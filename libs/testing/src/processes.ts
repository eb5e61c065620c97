import { readFileSync } from 'node:fs';

/**
 * The direct children of a process (Linux: /proc/<pid>/task/<tid>/children of every thread); empty
 * once it has exited. An ingest primary's children are its cluster workers.
 */
export function childPids(pid: number): number[] {
  let threads: string[];
  try {
    threads = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
  return threads.filter(Boolean).map(Number);
}
