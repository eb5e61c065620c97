import { LoadOptionsError } from './load-options-error';
import { parseTarget, parseTargets } from './targets';

describe('targets', () => {
  it('reads what sending needs from a DSN', () => {
    expect(parseTarget('http://abc123@127.0.0.1:8000/42')).toEqual({
      dsn: 'http://abc123@127.0.0.1:8000/42',
      protocol: 'http:',
      host: '127.0.0.1',
      port: 8000,
      projectId: '42',
      publicKey: 'abc123',
      envelopePath: '/api/42/envelope/',
    });
    expect(parseTarget('https://k@localhost/pulse/7/')).toMatchObject({ port: 443, envelopePath: '/pulse/api/7/envelope/' });
    expect(parseTarget('http://k@[::1]:9/3')).toMatchObject({ host: '::1', port: 9 });
  });

  it('refuses what Pulse would not take as a DSN', () => {
    for (const dsn of ['127.0.0.1:8000/1', 'http://127.0.0.1:8000/1', 'http://k@127.0.0.1/x', 'ftp://k@127.0.0.1/1']) {
      expect(() => parseTarget(dsn)).toThrow(LoadOptionsError);
    }
  });

  it('takes loopback hosts only, unless remote hosts are allowed', () => {
    expect(parseTargets(['http://k@127.0.0.1:1/1', 'http://k@LOCALHOST:1/2', 'http://k@[::1]:1/3'], false)).toHaveLength(3);
    expect(() => parseTargets(['http://k@127.0.0.1:1/1', 'http://k@pulse.example.com/2'], false)).toThrow(/refusing to load pulse\.example\.com.*--allow-remote/);
    expect(() => parseTargets(['http://k@10.0.0.5:8000/1'], false)).toThrow(LoadOptionsError);
    expect(parseTargets(['https://k@pulse.example.com/2'], true)[0]).toMatchObject({ host: 'pulse.example.com', port: 443 });
    expect(() => parseTargets([], true)).toThrow(/at least one DSN/);
  });
});
