import { UsageError } from './flags';

/**
 * Runs a benchmark's `main` and exits with its status. A bad command line (a flag out of range, an
 * unknown option) prints its message alone and exits 2; any other failure prints its stack, exit 1.
 */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const usage = error instanceof UsageError || (error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
      console.error(`${name}: ${error instanceof Error ? (usage ? error.message : (error.stack ?? error.message)) : String(error)}`);
      process.exit(usage ? 2 : 1);
    },
  );
}
