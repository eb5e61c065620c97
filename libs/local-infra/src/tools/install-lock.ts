/**
 * A lock between processes that install the same tool at the same time (two jest workers, or
 * scripts/test.ts and a jest run started by hand): the first takes the lock, the others wait for
 * it to go and then find the tool installed. The lock is a directory, made complete (with an
 * `owner` file naming the pid) under a temporary name and renamed into place: renaming onto an
 * existing non-empty directory fails, so exactly one process wins. A lock whose owner process is
 * gone (killed mid-install) is broken by the next waiter.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitUntil } from '../wait-until';

/** Runs `install` while holding the lock directory `lockDir`; waits up to `timeoutMs` to get it. */
export async function withInstallLock<T>(lockDir: string, timeoutMs: number, install: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockDir), { recursive: true });
  await waitUntil(`the install lock ${lockDir}`, async () => tryAcquire(lockDir), { timeoutMs, intervalMs: 500 });
  try {
    return await install();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryAcquire(lockDir: string): boolean {
  const candidate = `${lockDir}.${process.pid}.candidate`;
  rmSync(candidate, { recursive: true, force: true });
  mkdirSync(candidate);
  writeFileSync(join(candidate, 'owner'), `${process.pid}\n`);
  try {
    renameSync(candidate, lockDir);
    return true;
  } catch (error) {
    rmSync(candidate, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    breakIfOwnerIsGone(lockDir);
    return false;
  }
}

function breakIfOwnerIsGone(lockDir: string): void {
  const owner = readOwner(lockDir);
  if (owner === undefined || isProcessAlive(owner)) return; // released meanwhile, or still installing
  // Moved aside and checked again: when two waiters break the same stale lock and a third process
  // takes the lock in between, the slower waiter has moved the new owner's lock and puts it back.
  const aside = `${lockDir}.${process.pid}.stale`;
  try {
    renameSync(lockDir, aside);
  } catch {
    return;
  }
  if (readOwner(aside) !== owner) {
    try {
      renameSync(aside, lockDir);
      return;
    } catch {
      // The lock was taken again meanwhile; the moved one's owner finds its lock gone on release.
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

function readOwner(lockDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(lockDir, 'owner'), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
