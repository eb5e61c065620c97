import { isSuspiciousPath } from './http-hardening';

describe('isSuspiciousPath', () => {
  it.each([
    '/docs/..%2f..',
    '/docs/..%2F..%2Fpackage.json',
    '/docs/%2e%2e/%2e%2e/etc/passwd',
    '/docs/%2E%2E%2f',
    '/docs/..%5c..',
    '/docs/..\\..\\package.json',
    '/docs/../../package.json',
    '/docs/..',
    '/docs/.%2e/',
    '/docs/./swagger-ui.css',
    '/docs//etc/passwd',
    '/docs/%00',
    '/docs/x%00.js',
    '/docs/%c0%ae%c0%ae/',
    '/docs/%',
    '/api/v1/projects/1/errors/%2e%2e/events',
  ])('refuses %s', (url) => {
    expect(isSuspiciousPath(url)).toBe(true);
  });

  it.each([
    '/',
    '/docs',
    '/docs/',
    '/docs/json',
    '/docs/swagger-ui-bundle.js',
    '/api/v1/projects/1/transactions/latency?from=1&to=2&transaction=../x',
    '/api/v1/projects/1/errors/0f3a9c/events/',
    '/api/v1/projects/1/traces/4bf92f3577b34da6a3ce929d0e0e4736',
    '/docs/%252e%252e%252f',
  ])('lets %s through', (url) => {
    expect(isSuspiciousPath(url)).toBe(false);
  });
});
