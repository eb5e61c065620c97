import { normalizeMessageForGrouping, parameterize } from './parameterize';

describe('parameterize (Sentry DEFAULT_PARAMETERIZATION_REGEXES)', () => {
  it.each([
    ['mail to ada@example.com failed', 'mail to <email> failed'],
    ['GET https://shop.example/api/orders?id=7 failed', 'GET <url> failed'],
    ['cannot reach db.internal.example.com', 'cannot reach <hostname>'],
    ['connect 10.0.12.7 refused', 'connect <ip> refused'],
    ['connect 2001:0db8:85a3:0000:0000:8a2e:0370:7334 refused', 'connect <ip> refused'],
    // Sentry's alternation order, kept: the compressed form matches its first alternative that fits.
    ['connect 2001:db8:85a3::8a2e:370:7334 refused', 'connect <ip>:<int>:<int> refused'],
    ['connect ::1 refused', 'connect <ip> refused'],
    ['Foo::bar() failed', 'Foo::bar() failed'],
    ['trace 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'trace <traceparent>'],
    ['order 3f2a9c1e-8d4b-4c6a-9f1e-2b7d5a0c4e81 missing', 'order <uuid> missing'],
    ['blob da39a3ee5e6b4b0d3255bfef95601890afd80709', 'blob <sha1>'],
    ['etag d41d8cd98f00b204e9800998ecf8427e', 'etag <md5>'],
    ['at 2026-12-07T20:10:52.240Z', 'at <date>'],
    ['on 2026-12-07 only', 'on <date> only'],
    ['at 10:42:07 today', 'at <date> today'],
    ['Mon, 07 Dec 2026 20:10:52 GMT expired', '<date> expired'],
    ['took 250ms', 'took <duration>'],
    ['address 0x7ffee3b1a9c0', 'address <hex>'],
    ['id 9f86d081884c', 'id <hex>'],
    ['commit a1b2c3d', 'commit <git_sha>'],
    ['ratio 0.75 too high', 'ratio <float> too high'],
    ['order 42 of -3', 'order <int> of <int>'],
    ['key="abc" flag=true', 'key=<quoted_str> flag=<bool>'],
    ['say "hello" true', 'say "hello" true'],
    ['user12 in v2', 'user12 in v2'],
  ])('%s', (input, expected) => {
    expect(parameterize(input)).toBe(expected);
  });

  it('keeps the first two non-empty lines, marking the cut', () => {
    expect(normalizeMessageForGrouping('boom 1\n\nsecond 2\nthird')).toBe('boom <int>\nsecond <int>...');
    expect(normalizeMessageForGrouping('one line')).toBe('one line');
  });
});
