import { resolve } from 'node:path';

/** A command line the benchmark cannot run with: reported as its message alone, exit status 2. */
export class UsageError extends Error {}

/**
 * The value of a numeric command-line flag (`--rows 1_000_000`: underscores allowed), within
 * [min, max]; anything else throws a message that names the flag and what it got.
 */
export function numberFlag(name: string, text: string, min: number, max: number, integer = true): number {
  const value = Number(text.replace(/_/g, ''));
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The numeric flags of one parsed command line (`parseArgs` values), each read by numberFlag:
 * `const num = numberFlags(values); num('rate', 1, 10_000, false)`.
 */
export function numberFlags<Values extends object>(values: Values): (name: keyof Values & string, min: number, max: number, integer?: boolean) => number {
  return (name, min, max, integer = true) => numberFlag(name, String(values[name]), min, max, integer);
}

/** A path-valued flag (`--out <file>`, `--cpu-prof-dir <dir>`), made absolute; absent or empty: undefined. */
export function pathFlag(path: string | undefined): string | undefined {
  return path ? resolve(path) : undefined;
}
