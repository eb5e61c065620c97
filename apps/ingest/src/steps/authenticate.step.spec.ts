import { ProjectRegistry, PulseConfigDto } from '@pulse/config';
import { PublicKeyResult } from '@pulse/protocol';
import { authenticate } from './authenticate.step';

const KEY = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';
const registry = new ProjectRegistry({ projects: [{ id: 42, name: 'shop', keys: [KEY] }, { id: 7, name: 'other', keys: [OTHER] }], tokens: [] } as unknown as PulseConfigDto);
const fromRequest = (publicKey: string): PublicKeyResult => ({ ok: true, publicKey });
const MISSING: PublicKeyResult = { ok: false, missing: true, reason: 'no DSN public key' };

describe('authenticate', () => {
  it('returns the key of the project in the URL', () => {
    expect(authenticate(registry, 42, fromRequest(KEY), undefined)).toBe(KEY);
  });

  it('refuses a missing, unknown or foreign key', () => {
    expect(authenticate(registry, 42, MISSING, undefined)).toEqual({ refusal: 'no_key', reason: 'no DSN public key' });
    expect(authenticate(registry, 42, fromRequest('a'.repeat(32)), undefined)).toEqual({ refusal: 'unknown_key' });
    expect(authenticate(registry, 42, fromRequest(OTHER), undefined)).toEqual({ refusal: 'foreign_key', projectId: 42 });
  });

  it('takes the key of the envelope header dsn when the request has none (tunnel mode), for its project only', () => {
    expect(authenticate(registry, 42, MISSING, `https://${KEY}@pulse.example/42`)).toBe(KEY);
    expect(authenticate(registry, 42, MISSING, `https://${KEY}@pulse.example/43`)).toEqual({ refusal: 'foreign_dsn', projectId: 42, dsnProjectId: '43' });
    expect(authenticate(registry, 42, fromRequest(KEY), `https://${OTHER}@pulse.example/42`)).toMatchObject({ refusal: 'no_key' });
  });
});
