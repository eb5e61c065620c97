import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppName } from '@pulse/local-infra';

/**
 * What every benchmark checks before it starts anything: the compiled files it runs (paths
 * relative to the repository root) exist, and /proc is there, since RSS and CPU time are read
 * from /proc/<pid> (Linux only).
 */
export function checkPrerequisites(root: string, builtFiles: readonly string[]): void {
  const missing = builtFiles.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: run \`npm run build\` first`);
  if (!existsSync('/proc/self/status')) throw new Error('RSS and CPU are read from /proc/<pid>: Linux only');
}

/** The compiled entry point of an app. */
export function appMain(app: AppName): string {
  return join('dist', 'apps', app, 'src', 'main.js');
}
