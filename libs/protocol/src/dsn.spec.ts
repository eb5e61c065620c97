import { parseDsn } from './dsn';

const KEY = 'e12d836b15bb49d7bbf99e64295d995b';

describe('parseDsn', () => {
  it('reads the key, project and host of a plain DSN', () => {
    expect(parseDsn(`https://${KEY}@o1.ingest.sentry.io/42`)).toEqual({ publicKey: KEY, projectId: '42', host: 'o1.ingest.sentry.io' });
  });

  it('keeps a non-default port in host and drops a default one', () => {
    expect(parseDsn(`http://${KEY}@127.0.0.1:3000/7`)).toEqual({ publicKey: KEY, projectId: '7', host: '127.0.0.1:3000' });
    expect(parseDsn(`https://${KEY}@pulse.example.com:443/7`)?.host).toBe('pulse.example.com');
    expect(parseDsn(`http://${KEY}@[::1]:9000/7`)?.host).toBe('[::1]:9000');
  });

  it('ignores the secret key of old DSNs (with or without a value)', () => {
    expect(parseDsn(`https://${KEY}:secret@host/42`)?.publicKey).toBe(KEY);
    expect(parseDsn(`https://${KEY}:@sentry.io/42`)?.publicKey).toBe(KEY);
  });

  it('takes the last path segment as project id under a path prefix, with or without a trailing slash', () => {
    expect(parseDsn(`https://${KEY}@host/sentry/ingest/42`)?.projectId).toBe('42');
    expect(parseDsn(`https://${KEY}@host/42/`)?.projectId).toBe('42');
    expect(parseDsn(`  https://${KEY}@host/42  `)?.projectId).toBe('42');
  });

  it.each([
    ['no URL at all', 'random string'],
    ['an empty string', ''],
    ['another scheme', `ftp://${KEY}@host/1`],
    ['no public key', 'https://host/42'],
    ['an empty public key', 'https://:secret@host/42'],
    ['no project id', `https://${KEY}@host/`],
    ['no path', `https://${KEY}@host`],
    ['a non-numeric project id', `https://${KEY}@host/abc`],
    ['a project id that is not the last segment', `https://${KEY}@host/42/extra`],
    ['no host', `https://${KEY}@:8888/42`],
  ])('refuses %s', (_what, dsn) => {
    expect(parseDsn(dsn)).toBeUndefined();
  });
});
