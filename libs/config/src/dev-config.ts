import { randomBytes } from 'node:crypto';
import { PulseConfigDto } from './pulse-config.dto';

/** A development config: project 1 with a random DSN key, a random API token and a random metrics token. */
export function createDevConfig(): PulseConfigDto {
  return {
    projects: [{ id: 1, name: 'dev', keys: [randomBytes(16).toString('hex')] }],
    tokens: [{ token: `pulse_${randomBytes(24).toString('base64url')}`, projects: [1] }],
    metricsToken: `metrics_${randomBytes(24).toString('base64url')}`,
  };
}
