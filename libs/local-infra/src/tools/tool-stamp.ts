/**
 * The stamp that says an installed tool is current. An installer writes it last, after everything
 * else succeeded, so a run that crashed half-way leaves no stamp and the next run installs again.
 * The stamp holds the SHA-256 of what was installed (the requirements file, the pinned version):
 * editing the pins changes the digest and reinstalls on the next run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** SHA-256 (hex) of the text that defines an installation. */
export function installDigest(definition: string): string {
  return createHash('sha256').update(definition, 'utf8').digest('hex');
}

/** True when a stamp file's text records `digest` (surrounding whitespace ignored). */
export function stampMatches(stampText: string | undefined, digest: string): boolean {
  return stampText !== undefined && stampText.trim() === digest;
}

/** The stamp file's text, or undefined when there is none yet. */
export function readStamp(stampFile: string): string | undefined {
  try {
    return readFileSync(stampFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the stamp through a temporary file and a rename, so a reader never sees half of it. */
export function writeStamp(stampFile: string, digest: string): void {
  const partial = `${stampFile}.${process.pid}.partial`;
  writeFileSync(partial, `${digest}\n`);
  renameSync(partial, stampFile);
}

/** The version `helm version --template '{{.Version}}'` printed, e.g. `v4.3.2`; undefined if none. */
export function parseHelmVersion(output: string): string | undefined {
  const match = /\bv\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?\b/.exec(output);
  return match?.[0];
}
