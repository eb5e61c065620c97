import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '@pulse/testing';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@pulse/local-infra';
import { API_CSP, DOCS_CSP } from './http-hardening';
import { QueryTestApp, startQueryApp } from './testing/query-test-app';

/**
 * The query app's security headers on every kind of answer, traversal spellings answered 404, and
 * Swagger UI still working under its Content-Security-Policy in a real Chromium. No request reaches
 * ClickHouse (the guard or the router answers first), so the database need not exist.
 */
jest.setTimeout(90_000);

/** A GET with the path sent exactly as written: fetch() would normalize `..` and `%2e` away. */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('query app HTTP hardening', () => {
  let app: QueryTestApp;

  beforeAll(async () => {
    app = await startQueryApp({ database: 'pulse_hardening_never_queried' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['an API refusal', '/api/v1/projects/1/transactions/latency', 401],
    ['a 404', '/no/such/route', 404],
    ['the OpenAPI document', '/docs/json', 200],
    ['liveness', '/health', 200],
  ])('sends the security headers and no-store on %s', async (_what, path, status) => {
    const answer = await rawGet(app.url, path);
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'content-security-policy': path.startsWith('/docs') ? DOCS_CSP : API_CSP,
    });
  });

  it('gives the Swagger UI page its own policy, and its assets keep their caching', async () => {
    const page = await rawGet(app.url, '/docs');
    expect([page.status, page.headers['content-security-policy'], page.headers['x-frame-options']]).toEqual([200, DOCS_CSP, 'DENY']);
    const css = await rawGet(app.url, '/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers['x-content-type-options']).toBe('nosniff');
    expect(css.headers['cache-control']).toMatch(/max-age/);
  });

  it.each([
    '/docs/..%2f..',
    '/docs/..%2f..%2fpackage.json',
    '/docs/%2e%2e/%2e%2e/etc/passwd',
    '/docs/..%5c..',
    '/docs/..\\..\\package.json',
    '/docs/../../package.json',
    '/docs/..',
    '/docs/.%2e/',
    '/docs//etc/passwd',
    '/docs/%00',
    '/docs/x%00.js',
  ])('answers %s with a 404 and the error body', async (path) => {
    const answer = await rawGet(app.url, path);
    expect([answer.status, JSON.parse(answer.body)]).toEqual([404, { detail: 'not found' }]);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('renders Swagger UI in Chromium without a Content-Security-Policy violation', async () => {
    const { chromium } = await import('playwright-core');
    const userDataDir = mkdtempSync(join(tmpdir(), 'pulse-docs-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      // Runs in the page: every blocked load or inline style becomes a console error.
      await page.addInitScript(
        "document.addEventListener('securitypolicyviolation', (event) => console.error('csp violation: ' + event.violatedDirective + ' ' + event.blockedURI))",
      );
      await page.goto(`${app.url}/docs`, { waitUntil: 'load', timeout: 30_000 });
      // Operations are rendered from the document swagger-ui-init.js carries: the scripts ran.
      await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      const paths = await page.locator('.opblock-summary-path').allTextContents();
      expect(paths.some((path) => path.includes('/api/v1/projects/{projectId}/transactions/latency'))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  it('still answers JSON API errors in the usual body', async () => {
    const answer = await request(`${app.url}/api/v1/projects/1/transactions/latency`);
    expect([answer.status, answer.body]).toEqual([401, { detail: 'missing bearer token: send Authorization: Bearer <token>' }]);
  });
});
