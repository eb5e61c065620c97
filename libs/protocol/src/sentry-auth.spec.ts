import { extractPublicKey, parseSentryAuthHeader, resolvePublicKey } from './sentry-auth';

const KEY = '0123456789abcdef0123456789abcdef';

describe('extractPublicKey', () => {
  it('reads sentry_key from the query string (JS SDKs)', () => {
    expect(extractPublicKey({ query: { sentry_key: KEY, sentry_version: '7' }, headers: {} })).toEqual({ ok: true, publicKey: KEY });
  });

  it('reads X-Sentry-Auth and Authorization: Sentry', () => {
    const header = `Sentry sentry_version=7, sentry_client=sentry.python/2.0, sentry_key=${KEY}`;
    expect(extractPublicKey({ query: {}, headers: { 'x-sentry-auth': header } })).toEqual({ ok: true, publicKey: KEY });
    expect(extractPublicKey({ query: {}, headers: { authorization: header } })).toEqual({ ok: true, publicKey: KEY });
  });

  it('accepts agreeing sources and ignores Bearer authorization', () => {
    const result = extractPublicKey({ query: { sentry_key: KEY }, headers: { 'x-sentry-auth': `Sentry sentry_key=${KEY}`, authorization: 'Bearer abc' } });
    expect(result).toEqual({ ok: true, publicKey: KEY });
  });

  it('refuses conflicting, repeated, empty and missing keys', () => {
    expect(extractPublicKey({ query: { sentry_key: KEY }, headers: { 'x-sentry-auth': 'Sentry sentry_key=other' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/conflicting/) });
    expect(extractPublicKey({ query: { sentry_key: [KEY, KEY] }, headers: {} })).toMatchObject({ ok: false });
    expect(extractPublicKey({ query: {}, headers: { 'x-sentry-auth': 'Sentry sentry_version=7' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/no sentry_key/) });
    expect(extractPublicKey({ query: {}, headers: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });
});

describe('parseSentryAuthHeader', () => {
  it('splits key=value pairs, trimming spaces', () => {
    expect(parseSentryAuthHeader('Sentry  sentry_key = abc ,sentry_version=7,broken')).toEqual({ sentry_key: 'abc', sentry_version: '7' });
  });
});

describe('resolvePublicKey (tunnel mode)', () => {
  const none = extractPublicKey({ query: {}, headers: {} });
  const fromQuery = extractPublicKey({ query: { sentry_key: KEY }, headers: {} });

  it('takes the envelope dsn key when the request has none', () => {
    expect(resolvePublicKey(none, KEY)).toEqual({ ok: true, publicKey: KEY });
  });

  it('keeps the request key when both agree, refuses when they differ', () => {
    expect(resolvePublicKey(fromQuery, KEY)).toEqual({ ok: true, publicKey: KEY });
    expect(resolvePublicKey(fromQuery, 'f'.repeat(32))).toMatchObject({ ok: false, missing: false });
  });

  it('stays missing without either', () => {
    expect(resolvePublicKey(none, undefined)).toMatchObject({ ok: false, missing: true });
  });
});
