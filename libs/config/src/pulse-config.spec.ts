import { createHash } from 'node:crypto';
import { ConfigError } from './env-reader';
import { DATA_CATEGORIES, publicKeyOf } from './pulse-config.dto';
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

  it('reads token scopes (absent: read and write) and names the actor of a token by its name or a hash, never the token', () => {
    const config = valid();
    config.tokens.push({ token: 'read-only-token-0123456789', projects: [2], scopes: ['read'], name: 'grafana' } as (typeof config.tokens)[number]);
    const registry = new ProjectRegistry(parsePulseConfig(config));
    const full = registry.tokenAccess('secret-token-0123456789');
    expect([...full!.scopes]).toEqual(['read', 'write']);
    expect(full!.actor).toMatch(/^token:[0-9a-f]{8}$/);
    expect(full!.actor).toBe(`token:${createHash('sha256').update('secret-token-0123456789').digest('hex').slice(0, 8)}`);
    const readOnly = registry.tokenAccess('read-only-token-0123456789');
    expect({ projects: [...readOnly!.projects], scopes: [...readOnly!.scopes], actor: readOnly!.actor }).toEqual({ projects: [2], scopes: ['read'], actor: 'grafana' });
    expect(registry.tokenAccess('nope')).toBeUndefined();
  });

  it('reads the optional metrics token', () => {
    expect(new ProjectRegistry(parsePulseConfig(valid())).metricsToken).toBeUndefined();
    expect(new ProjectRegistry(parsePulseConfig({ ...valid(), metricsToken: 'metrics-token-0123456789' })).metricsToken).toBe('metrics-token-0123456789');
  });

  it.each([
    ['a key that is not 32 hex characters', (c: ReturnType<typeof valid>) => (c.projects[0].keys = ['xyz']), /projects\[0\]\.keys: each key must be 32 lower-case hex/],
    ['a missing project id', (c: ReturnType<typeof valid>) => delete (c.projects[1] as { id?: number }).id, /projects\[1\]\.id/],
    ['a duplicate project id', (c: ReturnType<typeof valid>) => (c.projects[1].id = 1), /project id 1 appears twice/],
    ['a key shared by two projects', (c: ReturnType<typeof valid>) => (c.projects[1].keys = [KEY_A]), /belongs to projects 1 and 2/],
    ['a token for an unknown project', (c: ReturnType<typeof valid>) => (c.tokens[0].projects = [9]), /tokens\[0\] names unknown project 9/],
    ['a short token', (c: ReturnType<typeof valid>) => (c.tokens[0].token = 'short'), /tokens\[0\]\.token: token must be longer than or equal to 16/],
    ['an unknown field', (c: ReturnType<typeof valid>) => ((c as Record<string, unknown>).extra = 1), /extra: property extra should not exist/],
    ['a short metricsToken', (c: ReturnType<typeof valid>) => ((c as Record<string, unknown>).metricsToken = 'short'), /metricsToken: metricsToken must be longer than or equal to 16/],
    ['a metricsToken that is also an API token', (c: ReturnType<typeof valid>) => ((c as Record<string, unknown>).metricsToken = 'secret-token-0123456789'), /metricsToken must differ from every API token/],
    ['an unknown token scope', (c: ReturnType<typeof valid>) => ((c.tokens[0] as Record<string, unknown>).scopes = ['read', 'admin']), /tokens\[0\]\.scopes: unknown scope "admin" \(scopes are read, write\)/],
    ['empty token scopes', (c: ReturnType<typeof valid>) => ((c.tokens[0] as Record<string, unknown>).scopes = []), /tokens\[0\]\.scopes: scopes must contain at least 1 elements/],
    ['a write scope without read', (c: ReturnType<typeof valid>) => ((c.tokens[0] as Record<string, unknown>).scopes = ['write']), /tokens\[0\] has scope "write" without "read"/],
    ['an empty token name', (c: ReturnType<typeof valid>) => ((c.tokens[0] as Record<string, unknown>).name = ''), /tokens\[0\]\.name/],
  ])('rejects %s, naming it', (_what, mutate, message) => {
    const config = valid();
    mutate(config);
    expect(() => parsePulseConfig(config)).toThrow(ConfigError);
    expect(() => parsePulseConfig(config)).toThrow(message);
  });

  it('keeps a project\'s retention in days, undefined when not set', () => {
    const config = valid();
    (config.projects[0] as { retentionDays?: number }).retentionDays = 30;
    const registry = new ProjectRegistry(parsePulseConfig(config));
    expect([registry.project(1)?.retentionDays, registry.project(2)?.retentionDays]).toEqual([30, undefined]);
    (config.projects[1] as { retentionDays?: number }).retentionDays = 0;
    expect(() => parsePulseConfig(config)).toThrow(/projects\[1\]\.retentionDays: retentionDays must not be less than 1/);
  });

  it('rejects JSON that is not an object', () => {
    expect(() => parsePulseConfig([1, 2])).toThrow(/must be a JSON object/);
  });
});

describe('keys with rate limits', () => {
  const KEY_C = '00112233445566778899aabbccddeeff';
  const withLimits = (entry: unknown) => ({
    projects: [
      { id: 1, name: 'web', keys: [KEY_A, entry] },
      { id: 2, name: 'api', keys: [KEY_B] },
    ],
    tokens: [],
  });
  const problemsOf = (entry: unknown): string => {
    try {
      parsePulseConfig(withLimits(entry));
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected the config to be refused');
  };

  it('accepts plain and object keys side by side, burst defaulting to ceil(perSecond)', () => {
    const json = withLimits({ key: KEY_C, rateLimits: { transaction: { perSecond: 2.5 }, span: { perSecond: 100, burst: 500 } } });
    const before = JSON.stringify(json);
    const registry = new ProjectRegistry(parsePulseConfig(json));
    expect(JSON.stringify(json)).toBe(before);
    expect(registry.projectOfKey(KEY_A)).toBe(1);
    expect(registry.projectOfKey(KEY_C)).toBe(1);
    expect(registry.rateLimitsOfKey(KEY_C)).toEqual({ transaction: { perSecond: 2.5, burst: 3 }, span: { perSecond: 100, burst: 500 } });
    expect(registry.rateLimitsOfKey(KEY_A)).toEqual({});
    expect(registry.rateLimitsOfKey(KEY_B)).toEqual({});
    expect(registry.rateLimitsOfKey('0'.repeat(32))).toEqual({});
  });

  it('treats an object key without rateLimits, or with none set, as unlimited', () => {
    const registry = new ProjectRegistry(parsePulseConfig(withLimits({ key: KEY_C })));
    expect(registry.projectOfKey(KEY_C)).toBe(1);
    expect(registry.rateLimitsOfKey(KEY_C)).toEqual({});
    expect(new ProjectRegistry(parsePulseConfig(withLimits({ key: KEY_C, rateLimits: {} }))).rateLimitsOfKey(KEY_C)).toEqual({});
  });

  it('accepts every data category', () => {
    const rateLimits = Object.fromEntries(DATA_CATEGORIES.map((category, i) => [category, { perSecond: i + 1 }]));
    const limits = new ProjectRegistry(parsePulseConfig(withLimits({ key: KEY_C, rateLimits }))).rateLimitsOfKey(KEY_C);
    expect(Object.keys(limits).sort()).toEqual([...DATA_CATEGORIES].sort());
  });

  it('hands out limits that callers cannot change', () => {
    const registry = new ProjectRegistry(parsePulseConfig(withLimits({ key: KEY_C, rateLimits: { error: { perSecond: 1 } } })));
    expect(Object.isFrozen(registry.rateLimitsOfKey(KEY_C))).toBe(true);
    expect(Object.isFrozen(registry.rateLimitsOfKey(KEY_C).error)).toBe(true);
  });

  it('reads keys in either form from a config built in code', () => {
    const registry = new ProjectRegistry({ projects: [{ id: 1, name: 'web', keys: [KEY_A, { key: KEY_C, rateLimits: { span: { perSecond: 3 } } }] }], tokens: [] });
    expect(registry.projectOfKey(KEY_A)).toBe(1);
    expect(registry.rateLimitsOfKey(KEY_C)).toEqual({ span: { perSecond: 3, burst: 3 } });
  });

  it('parses every entry into the object form', () => {
    const config = parsePulseConfig(withLimits({ key: KEY_C }));
    expect(config.projects[0].keys.map(publicKeyOf)).toEqual([KEY_A, KEY_C]);
  });

  it.each([
    ['an unknown category', { key: KEY_C, rateLimits: { errors: { perSecond: 1 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.errors: unknown data category "errors" \(one of error, transaction, span, session, attachment, default\)/],
    ['a zero rate', { key: KEY_C, rateLimits: { transaction: { perSecond: 0 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.transaction\.perSecond: perSecond must be a positive number/],
    ['a rate that is not a number', { key: KEY_C, rateLimits: { span: { perSecond: '5' } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.span\.perSecond: perSecond must be a finite number/],
    ['a missing rate', { key: KEY_C, rateLimits: { span: { burst: 5 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.span\.perSecond: perSecond must be a positive number/],
    ['a fractional burst', { key: KEY_C, rateLimits: { error: { perSecond: 1, burst: 1.5 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.error\.burst: burst must be an integer/],
    ['a zero burst', { key: KEY_C, rateLimits: { error: { perSecond: 1, burst: 0 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.error\.burst: burst must not be less than 1/],
    ['a limit that is not an object', { key: KEY_C, rateLimits: { session: 10 } }, /projects\[0\]\.keys\[1\]\.rateLimits\.session: session must be an object \{"perSecond"/],
    ['rateLimits that are not an object', { key: KEY_C, rateLimits: [{ perSecond: 1 }] }, /projects\[0\]\.keys\[1\]\.rateLimits: rateLimits must be an object keyed by data category$/],
    ['an unknown field of a limit', { key: KEY_C, rateLimits: { error: { perSecond: 1, perMinute: 60 } } }, /projects\[0\]\.keys\[1\]\.rateLimits\.error\.perMinute: property perMinute should not exist/],
    ['an unknown field of a key', { key: KEY_C, ratelimits: {} }, /projects\[0\]\.keys\[1\]\.ratelimits: property ratelimits should not exist/],
    ['an object key that is not 32 hex characters', { key: 'XYZ' }, /projects\[0\]\.keys: each key must be 32 lower-case hex characters \(bad entries: 1\)/],
    ['an object without a key', { rateLimits: {} }, /projects\[0\]\.keys: each key must be 32 lower-case hex characters \(bad entries: 1\)/],
    ['an entry that is neither a string nor an object', 42, /projects\[0\]\.keys: each key must be 32 lower-case hex characters \(bad entries: 1\)/],
    ['an object key repeated in the project', { key: KEY_A }, /projects\[0\]\.keys: All keys's elements must be unique/],
    ['an object key shared with another project', { key: KEY_B, rateLimits: { error: { perSecond: 1 } } }, /key fedcba9876543210fedcba9876543210 belongs to projects 1 and 2/],
  ])('rejects %s, naming its path', (_what, entry, message) => {
    expect(problemsOf(entry)).toMatch(message);
  });

  it('names every problem of a key at once, and only once each', () => {
    const problems = problemsOf({ key: KEY_C, rateLimits: { error: { perSecond: -1 }, bogus: {}, span: 'fast' } });
    expect(problems.split('; ')).toEqual([
      'config is invalid: projects[0].keys[1].rateLimits.bogus: unknown data category "bogus" (one of error, transaction, span, session, attachment, default)',
      'projects[0].keys[1].rateLimits.error.perSecond: perSecond must be a positive number',
      'projects[0].keys[1].rateLimits.span: span must be an object {"perSecond": <number>, "burst": <integer>}',
    ]);
  });
});
