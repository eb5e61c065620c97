import { platformOf, spanDescription, transactionName } from './streamed-names';

const read = (attributes: Record<string, unknown>) => (key: string) => attributes[key];

describe('transactionName', () => {
  it('keeps a route or custom name', () => {
    expect(transactionName(read({ 'sentry.segment.name': 'GET /users/:id', 'url.path': '/users/7' }), 'GET', 'http.server', 'route', 'GET')).toBe('GET /users/:id');
    expect(transactionName(read({}), 'checkout', 'task', 'custom', '')).toBe('checkout');
  });

  it('replaces URL-source placeholders by the path, as the classic SDKs name them', () => {
    expect(transactionName(read({ 'sentry.segment.name': 'Pageload', 'url.path': '/checkout' }), 'Pageload', 'pageload', 'url', '')).toBe('/checkout');
    expect(transactionName(read({ 'url.path': '/about' }), 'Navigation', 'navigation', 'url', '')).toBe('/about');
    expect(transactionName(read({ 'sentry.segment.name': 'GET', 'url.path': '/users/42' }), 'GET', 'http.server', 'url', 'GET')).toBe('GET /users/42');
    expect(transactionName(read({ 'sentry.segment.name': 'Pageload' }), 'Pageload', 'pageload', 'url', '')).toBe('Pageload');
  });
});

describe('spanDescription', () => {
  it('rebuilds the classic description of HTTP client, resource and database spans', () => {
    expect(spanDescription(read({ 'http.request.method': 'get', 'url.full': 'https://u:p@api.example:443/v1/x?token=1#frag' }), 'GET api.example', 'http.client')).toBe(
      'GET https://%filtered%:%filtered%@api.example/v1/x',
    );
    expect(spanDescription(read({ 'http.request.method': 'POST', 'url.full': '/api/cart?x=1' }), 'POST', 'http.client')).toBe('POST /api/cart');
    expect(spanDescription(read({ 'url.full': 'https://shop.example/app.js?v=3', 'http.request.same_origin': true }), 'shop.example', 'resource.script')).toBe('/app.js?v=3');
    expect(spanDescription(read({ 'url.full': 'https://cdn.example/lib.js', 'http.request.same_origin': false }), 'cdn.example', 'resource.script')).toBe('https://cdn.example/lib.js');
    expect(spanDescription(read({ 'db.query.text': 'SELECT 1', 'db.query.summary': 'SELECT' }), 'SELECT', 'db.query')).toBe('SELECT 1');
  });

  it('describes navigation-timing spans by the page URL and keeps the span name otherwise', () => {
    expect(spanDescription(read({ 'url.full': 'https://shop.example/?a=1' }), 'Connect', 'browser.connect')).toBe('https://shop.example/?a=1');
    expect(spanDescription(read({}), 'first-paint', 'browser.paint')).toBe('first-paint');
    expect(spanDescription(read({ 'url.full': 'https://shop.example/' }), 'Main UI thread blocked', 'ui.long_animation_frame')).toBe('Main UI thread blocked');
    expect(spanDescription(read({}), 'GET', 'http.client')).toBe('GET');
    expect(spanDescription(read({}), 'load user', 'db.query')).toBe('load user');
  });
});

describe('platformOf', () => {
  it('uses sentry.platform, else the SDK name and op', () => {
    expect(platformOf(read({ 'sentry.platform': 'python' }), 'sentry.python', 'http.server')).toBe('python');
    expect(platformOf(read({}), 'sentry.javascript.node', 'http.server')).toBe('node');
    expect(platformOf(read({}), 'sentry.javascript.browser', 'http.client')).toBe('javascript');
    expect(platformOf(read({}), 'sentry.javascript.nextjs', 'pageload')).toBe('javascript');
    expect(platformOf(read({}), 'sentry.javascript.nextjs', 'http.server')).toBe('node');
    expect(platformOf(read({}), 'sentry.java.spring-boot', 'http.server')).toBe('java');
    expect(platformOf(read({}), '', 'task')).toBe('other');
  });
});
