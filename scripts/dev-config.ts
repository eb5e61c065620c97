import { createDevConfig, parsePulseConfig, PulseConfigDto } from '@pulse/config';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The development PULSE_CONFIG: created once with a random key and token, then reused so the DSN
 * stays the same across restarts.
 */
export function ensureDevConfig(path: string): PulseConfigDto {
  if (existsSync(path)) return parsePulseConfig(JSON.parse(readFileSync(path, 'utf8')), path);
  const config = createDevConfig();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return config;
}
