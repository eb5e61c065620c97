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
