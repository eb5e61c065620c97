import { ConfigError } from './env.config';
import { parsePulseConfig } from './pulse-config.loader';
import { ProjectRegistry } from './project-registry';

const KEY_A = '0123456789abcdef0123456789abcdef';
const KEY_B = 'fedcba9876543210fedcba9876543210';
const valid = () => ({
  projects: [
    { id: 1, name: 'web', keys: [KEY_A] },
    { id: 2, name: 'api', keys: [KEY_B] },
  ],
  tokens: [{ token: 'secret-token-0123456789', projects: [1] }],
});

describe('parsePulseConfig', () => {
  it('accepts a valid config and answers key and token look-ups', () => {
    const registry = new ProjectRegistry(parsePulseConfig(valid()));
    expect(registry.projectOfKey(KEY_A)).toBe(1);
    expect(registry.projectOfKey(KEY_B)).toBe(2);
    expect(registry.projectOfKey('0'.repeat(32))).toBeUndefined();
    expect([...registry.projectsOfToken('secret-token-0123456789')!]).toEqual([1]);
    expect(registry.projectsOfToken('nope')).toBeUndefined();
  });

  it.each([
    ['a key that is not 32 hex characters', (c: ReturnType<typeof valid>) => (c.projects[0].keys = ['xyz']), /projects\[0\]\.keys: each key must be 32 lower-case hex/],
    ['a missing project id', (c: ReturnType<typeof valid>) => delete (c.projects[1] as { id?: number }).id, /projects\[1\]\.id/],
    ['a duplicate project id', (c: ReturnType<typeof valid>) => (c.projects[1].id = 1), /project id 1 appears twice/],
    ['a key shared by two projects', (c: ReturnType<typeof valid>) => (c.projects[1].keys = [KEY_A]), /belongs to projects 1 and 2/],
    ['a token for an unknown project', (c: ReturnType<typeof valid>) => (c.tokens[0].projects = [9]), /tokens\[0\] names unknown project 9/],
    ['a short token', (c: ReturnType<typeof valid>) => (c.tokens[0].token = 'short'), /tokens\[0\]\.token: token must be longer than or equal to 16/],
    ['an unknown field', (c: ReturnType<typeof valid>) => ((c as Record<string, unknown>).extra = 1), /extra: property extra should not exist/],
  ])('rejects %s, naming it', (_what, mutate, message) => {
    const config = valid();
    mutate(config);
    expect(() => parsePulseConfig(config)).toThrow(ConfigError);
    expect(() => parsePulseConfig(config)).toThrow(message);
  });

  it('rejects JSON that is not an object', () => {
    expect(() => parsePulseConfig([1, 2])).toThrow(/must be a JSON object/);
  });
});
