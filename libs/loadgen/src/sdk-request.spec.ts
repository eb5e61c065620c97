import { gunzipSync } from 'node:zlib';
import { noRecords } from './envelope';
import { sdkRequest } from './sdk-request';
import { parseTarget } from './targets';

const target = parseTarget('http://0123456789abcdef0123456789abcdef@127.0.0.1:3000/42');
const envelope = (client: 'browser' | 'node', body: string) => ({ body, client, sdkVersion: '11.12.0', userAgent: client === 'node' ? 'sentry.javascript.node/11.12.0' : 'Mozilla/5.0 X', traceIds: [], expected: noRecords() });

describe('sdkRequest', () => {
  it('puts the auth in the query string, as the JS SDKs do', () => {
    expect(sdkRequest(target, envelope('node', '{}')).path).toBe('/api/42/envelope/?sentry_version=7&sentry_key=0123456789abcdef0123456789abcdef&sentry_client=sentry.javascript.node%2F11.12.0');
  });

  it('sends browser bodies as text/plain from the page origin, Node bodies without a content type', () => {
    expect(sdkRequest(target, envelope('browser', '{}')).headers).toEqual({ 'user-agent': 'Mozilla/5.0 X', 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example', 'content-length': 2 });
    expect(sdkRequest(target, envelope('node', 'é')).headers).toEqual({ 'user-agent': 'sentry.javascript.node/11.12.0', 'content-length': 2 });
  });

  it('gzips Node bodies over 32 KiB only', () => {
    const big = 'x'.repeat(32 * 1024 + 1);
    const request = sdkRequest(target, envelope('node', big));
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(request.body as Buffer).toString()).toBe(big);
    expect(sdkRequest(target, envelope('node', 'x'.repeat(32 * 1024))).headers['content-encoding']).toBeUndefined();
    expect(sdkRequest(target, envelope('browser', big)).headers['content-encoding']).toBeUndefined();
  });
});
