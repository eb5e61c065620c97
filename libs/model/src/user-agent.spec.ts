import { CHROME_MAC_UA } from '@pulse/testing/fixtures';
import { clientOfEvent, majorVersion, parseUserAgent, userAgentFromHeaders } from './user-agent';
import { hashIpAddress, userIdOf } from './user';

describe('parseUserAgent', () => {
  it.each([
    [CHROME_MAC_UA, 'Chrome', '131', 'Mac OS X'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge', '131', 'Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', '133', 'Linux'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari', '18', 'Mac OS X'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'Mobile Safari', '18', 'iOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome Mobile iOS', '131', 'iOS'],
    ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome Mobile', '131', 'Android'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36', 'Chrome Mobile WebView', '131', 'Android'],
    ['Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 'Firefox Mobile', '133', 'Android'],
    ['Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 'Samsung Internet', '26', 'Android'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'HeadlessChrome', '131', 'Linux'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', '131', 'Chrome OS'],
    ['Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko', 'IE', '11', 'Windows'],
  ])('%s', (ua, browserName, browserVersion, osName) => {
    expect(parseUserAgent(ua)).toEqual({ browserName, browserVersion, osName });
  });

  it('gives empty fields for missing, blank and non-browser agents', () => {
    const empty = { browserName: '', browserVersion: '', osName: '' };
    expect(parseUserAgent(undefined)).toEqual(empty);
    expect(parseUserAgent('   ')).toEqual(empty);
    expect(parseUserAgent(42)).toEqual(empty);
    expect(parseUserAgent('curl/8.5.0')).toEqual(empty);
  });

  it('returns the same answer from its cache', () => {
    expect(parseUserAgent(CHROME_MAC_UA)).toBe(parseUserAgent(CHROME_MAC_UA));
  });
});

describe('helpers', () => {
  it('majorVersion keeps the leading number', () => {
    expect([majorVersion('131.0.6778'), majorVersion(17), majorVersion('x1'), majorVersion(undefined)]).toEqual(['131', '17', '', '']);
  });

  it('userAgentFromHeaders reads any case, maps and Sentry header lists', () => {
    expect(userAgentFromHeaders({ 'User-Agent': 'a' })).toBe('a');
    expect(userAgentFromHeaders([['accept', '*/*'], ['user-agent', 'b']])).toBe('b');
    expect(userAgentFromHeaders({ accept: '*/*' })).toBeUndefined();
    expect(userAgentFromHeaders(undefined)).toBeUndefined();
  });

  it('clientOfEvent prefers the SDK contexts, else parses the request header', () => {
    const request = { headers: { 'user-agent': CHROME_MAC_UA } };
    expect(clientOfEvent({ request })).toEqual({ browserName: 'Chrome', browserVersion: '131', osName: 'Mac OS X' });
    expect(clientOfEvent({ request, contexts: { browser: { name: 'Firefox', version: '120.1' }, os: { name: 'Linux' } } })).toEqual({ browserName: 'Firefox', browserVersion: '120', osName: 'Linux' });
  });
});

describe('userIdOf', () => {
  it('takes id, then email, then username, then the hashed IP', () => {
    expect(userIdOf({ id: 'u-1', email: 'a@b.c' })).toBe('u-1');
    expect(userIdOf({ id: 7 })).toBe('7');
    expect(userIdOf({ id: ' ', email: 'a@b.c' })).toBe('a@b.c');
    expect(userIdOf({ username: 'ann', ip_address: '10.0.0.1' })).toBe('ann');
    expect(userIdOf({ ip_address: '10.0.0.1' })).toBe(hashIpAddress('10.0.0.1'));
  });

  it('never stores a raw IP and ignores {{auto}}', () => {
    expect(hashIpAddress('10.0.0.1')).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(hashIpAddress(' 2001:DB8::1 ')).toBe(hashIpAddress('2001:db8::1'));
    expect(userIdOf({ ip_address: '{{auto}}' })).toBe('');
    expect(userIdOf(undefined)).toBe('');
  });
});
