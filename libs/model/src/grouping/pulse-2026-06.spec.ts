import { computeFingerprint, fileBaseName, GroupingFrame, GroupingInput, normalizeMessageForGrouping } from './pulse-2026-06';

const app = (fn: string, lineno = 10, file = '/app/dist/orders/orders.service.js'): GroupingFrame & { lineno: number } => ({
  module: 'orders:orders.service',
  filename: file,
  function: fn,
  inApp: true,
  lineno,
});
const lib = (fn: string, file = '/app/node_modules/router/lib/layer.js'): GroupingFrame => ({ filename: file, module: 'router.lib:layer', function: fn, inApp: false });

function nodeError(frames: GroupingFrame[], overrides: Partial<GroupingInput> = {}): GroupingInput {
  return { platform: 'node', exceptions: [{ type: 'Error', value: 'Order 7 not found', frames }], ...overrides };
}

describe('computeFingerprint', () => {
  const base = nodeError([lib('Layer.handleRequest'), app('OrdersController.getOrder', 22), app('OrdersService.findOne', 31)]);

  it('is 32 hex characters and stable', () => {
    expect(computeFingerprint(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(computeFingerprint(base)).toBe(computeFingerprint(structuredClone(base)));
  });

  it('groups the same error thrown from other lines and columns together', () => {
    const moved = nodeError([lib('Layer.handleRequest'), app('OrdersController.getOrder', 40), app('OrdersService.findOne', 77)]);
    expect(computeFingerprint(moved)).toBe(computeFingerprint(base));
  });

  it('separates errors raised in different functions', () => {
    const other = nodeError([lib('Layer.handleRequest'), app('OrdersController.getOrder', 22), app('OrdersService.cancel', 31)]);
    expect(computeFingerprint(other)).not.toBe(computeFingerprint(base));
  });

  it('ignores node_modules frames when in-app frames exist, and the value when there is a stack', () => {
    const frames = [lib('next', '/app/node_modules/router/index.js'), lib('Route.dispatch'), app('OrdersController.getOrder'), lib('handle'), app('OrdersService.findOne')];
    const noisy: GroupingInput = { platform: 'node', exceptions: [{ type: 'Error', value: 'Order 12 not found', frames }] };
    expect(computeFingerprint(noisy)).toBe(computeFingerprint(base));
  });

  it('uses all frames when none is in-app', () => {
    const a = nodeError([lib('Layer.handleRequest'), lib('Route.dispatch')]);
    const b = nodeError([lib('Layer.handleRequest'), lib('next')]);
    expect(computeFingerprint(a)).not.toBe(computeFingerprint(b));
  });

  it('includes the exception type of every exception in the chain', () => {
    const withCause = (type: string) => ({
      platform: 'node',
      exceptions: [{ type, value: 'connect ECONNREFUSED 10.0.0.5:5432' }, ...base.exceptions!],
    });
    expect(computeFingerprint(withCause('ConnectionError'))).toBe(computeFingerprint(withCause('ConnectionError')));
    expect(computeFingerprint(withCause('ConnectionError'))).not.toBe(computeFingerprint(withCause('TimeoutError')));
    expect(computeFingerprint(withCause('ConnectionError'))).not.toBe(computeFingerprint(base));
    expect(computeFingerprint(nodeError(base.exceptions![0]!.frames as GroupingFrame[], { exceptions: [{ ...base.exceptions![0]!, type: 'TypeError' }] }))).not.toBe(
      computeFingerprint(base),
    );
  });

  it('uses the last `.` segment of JS function names and ignores anonymous ones', () => {
    const named = (fns: string[]) => nodeError(fns.map((fn) => app(fn)));
    expect(computeFingerprint(named(['Layer.handle [as handle_request]', 'OrdersService.findOne']))).toBe(computeFingerprint(named(['handle', 'findOne'])));
    expect(computeFingerprint(named(['Object.<anonymous>', 'findOne']))).toBe(computeFingerprint(named(['?', 'findOne'])));
    expect(computeFingerprint(named(['<anonymous>', 'findOne']))).toBe(computeFingerprint(named(['Object.?', 'findOne'])));
    // Outside JS, dots are part of the name.
    const python = (fn: string) => ({ platform: 'python', exceptions: [{ type: 'KeyError', frames: [{ module: 'shop.orders', function: fn, inApp: true }] }] });
    expect(computeFingerprint(python('Orders.find'))).not.toBe(computeFingerprint(python('Cart.find')));
  });

  it('groups browser frames across deploys: base name, no query string or content hash', () => {
    const browser = (file: string, lineno: number) => ({
      platform: 'javascript',
      exceptions: [{ type: 'Error', value: 'Payment failed', frames: [{ filename: file, function: 'submitPayment', inApp: true, lineno }] }],
    });
    const before = computeFingerprint(browser('https://shop.example/assets/index-BXk2aQ9f.js', 41));
    expect(computeFingerprint(browser('https://shop.example/assets/index-D5m7P1Yq.js?v=2', 43))).toBe(before);
    expect(computeFingerprint(browser('https://cdn.example/static/Index-BXk2aQ9f.js#x', 41))).toBe(before);
    expect(computeFingerprint(browser('https://shop.example/assets/cart-BXk2aQ9f.js', 41))).not.toBe(before);
  });

  it('falls back to type and normalized value without a usable stack, then to the message', () => {
    const typeValue = (value: string) => ({ exceptions: [{ type: 'TimeoutError', value, frames: [{ function: '?', inApp: true }] }] });
    expect(computeFingerprint(typeValue('Timed out after 3000 ms'))).toBe(computeFingerprint(typeValue('Timed out after 5000 ms')));
    expect(computeFingerprint(typeValue('Timed out after 3000 ms'))).not.toBe(computeFingerprint(typeValue('Socket closed')));
    expect(computeFingerprint({ message: 'Payment provider latency above 2000 ms for order 7' })).toBe(
      computeFingerprint({ message: 'Payment provider latency above 2500 ms for order 12', exceptions: [] }),
    );
    expect(computeFingerprint({ message: 'Cache miss' })).not.toBe(computeFingerprint({ message: 'Cache hit' }));
  });

  describe('explicit fingerprint', () => {
    it('replaces the default grouping', () => {
      const a = computeFingerprint({ ...base, fingerprint: ['checkout', 'card-declined'] });
      expect(a).toBe(computeFingerprint(nodeError([app('somethingElse')], { fingerprint: ['checkout', 'card-declined'] })));
      expect(a).not.toBe(computeFingerprint({ ...base, fingerprint: ['checkout'] }));
    });

    it('expands {{ default }}, with or without spaces: extends the default group, stably', () => {
      const plain = computeFingerprint(base);
      const tenant1 = computeFingerprint({ ...base, fingerprint: ['{{ default }}', 'tenant-1'] });
      expect(tenant1).not.toBe(plain);
      expect(computeFingerprint({ ...base, fingerprint: ['{{default}}', 'tenant-1'] })).toBe(tenant1);
      expect(computeFingerprint({ ...base, fingerprint: ['{{ default }}', 'tenant-2'] })).not.toBe(tenant1);
      const moved = nodeError([app('OrdersController.getOrder', 99), app('OrdersService.findOne', 98)]);
      expect(computeFingerprint({ ...moved, fingerprint: ['{{ default }}', 'tenant-1'] })).toBe(tenant1);
      expect(computeFingerprint({ ...base, fingerprint: ['{{ default }}'] })).toBe(plain);
      expect(computeFingerprint({ ...base, fingerprint: [] })).toBe(plain);
    });
  });
});

describe('normalizeMessageForGrouping', () => {
  it.each([
    ['Order 42 not found', 'Order <num> not found'],
    ['took 12.5 ms', 'took <num> ms'],
    ['session 3f9c2a7e-8b1d-4c6f-a0e5-d7b2c4a19e83 expired', 'session <uuid> expired'],
    ['bad pointer 0x7ffd5e8c and object 507f1f77bcf86cd799439011', 'bad pointer <hex> and object <hex>'],
    [`can't find user 'ada' in "admins"`, `can't find user <str> in <str>`],
    ['  two\n lines  ', 'two lines'],
    ['deadbeef is a word', 'deadbeef is a word'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeMessageForGrouping(input)).toBe(expected);
  });
});

describe('fileBaseName', () => {
  it.each([
    ['/app/dist/Orders.Service.js', 'orders.service.js'],
    ['https://shop.example/assets/index-BXk2aQ9f.js?v=2#top', 'index.js'],
    ['https://shop.example/static/js/main.3f2a1b9c.js', 'main.js'],
    ['C:\\app\\src\\Cart.ts', 'cart.ts'],
    ['node:internal/timers', 'timers'],
    ['/app/dist/user-settings.js', 'user-settings.js'],
  ])('%s → %s', (input, expected) => {
    expect(fileBaseName(input)).toBe(expected);
  });
});
