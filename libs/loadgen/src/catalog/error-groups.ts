import type { SeededRandom } from '../random';
import { SHOP_ORIGIN } from './pages';

/** A stack frame as the JS SDKs send it (wire field names). */
export interface StackFrame {
  filename: string;
  module?: string;
  function: string;
  lineno: number;
  colno: number;
  in_app: boolean;
  context_line?: string;
}

export type ErrorPlatform = 'node' | 'browser';

/**
 * A recurring error: the same type and in-app frames every time, so Pulse groups every occurrence
 * under one fingerprint (line numbers and the message's ids do not count in grouping). `share` is the
 * group's weight among recurring errors: a few groups dominate, as in any real project.
 */
export interface ErrorGroupProfile {
  /** Stable label, for tests and docs only; never sent. */
  label: string;
  platform: ErrorPlatform;
  share: number;
  /** `undefined` for a `captureMessage` event (the SDK's synthetic exception has no type). */
  type: string | undefined;
  value(random: SeededRandom): string;
  level: 'fatal' | 'error' | 'warning' | 'info';
  handled: boolean;
  mechanism: string;
  /** The route or page it happens on (`transaction`). */
  transaction: string;
  /** Oldest first, as the SDKs send them: the last frame raised. */
  frames: readonly StackFrame[];
  /** A regression that only the canary release has. */
  canaryOnly?: boolean;
}

const NODE_ROUTER: readonly StackFrame[] = [
  { filename: '/app/node_modules/router/lib/route.js', module: 'router.lib:route', function: 'next', lineno: 149, colno: 13, in_app: false, context_line: '      layer.handleRequest(req, res, next)' },
  { filename: '/app/node_modules/router/lib/layer.js', module: 'router.lib:layer', function: 'Layer.handleRequest', lineno: 152, colno: 17, in_app: false, context_line: '    ret = fn(req, res, next)' },
];

const nodeFrame = (path: string, fn: string, lineno: number, contextLine: string): StackFrame => ({
  filename: `/app/dist/${path}.js`,
  module: path.replace('/', ':'),
  function: fn,
  lineno,
  colno: 19,
  in_app: true,
  context_line: contextLine,
});

/** Browser frames: bundle URLs, every frame in-app, no module, no context lines (what @sentry/browser sends). */
const browserFrame = (file: string, fn: string, lineno: number, colno: number): StackFrame => ({
  filename: `${SHOP_ORIGIN}/assets/${file}`,
  function: fn,
  lineno,
  colno,
  in_app: true,
});

const BROWSER_HANDLER: readonly StackFrame[] = [browserFrame('vendor-CmUNIOo6.js', 'HTMLButtonElement.sentryWrapped', 2, 30112), browserFrame('vendor-CmUNIOo6.js', 'Wf', 9, 14975)];

export const ERROR_GROUPS: readonly ErrorGroupProfile[] = [
  {
    label: 'order-not-found',
    platform: 'node',
    share: 0.26,
    type: 'Error',
    value: (random) => `Order ${random.int(10_000, 99_999)} not found`,
    level: 'error',
    handled: true,
    mechanism: 'generic',
    transaction: 'GET /api/orders/:id',
    frames: [
      ...NODE_ROUTER,
      nodeFrame('orders/orders.controller', 'OrdersController.getOrder', 22, '            const order = this.orders.findOne(Number(req.params.id));'),
      nodeFrame('orders/orders.service', 'OrdersService.findOne', 31, '            throw new Error(`Order ${id} not found`);'),
    ],
  },
  {
    label: 'product-card-undefined-price',
    platform: 'browser',
    share: 0.18,
    type: 'TypeError',
    value: () => "Cannot read properties of undefined (reading 'price')",
    level: 'error',
    handled: false,
    mechanism: 'auto.browser.global_handlers.onerror',
    transaction: '/products',
    frames: [browserFrame('vendor-CmUNIOo6.js', 'Ks', 9, 40123), browserFrame('index-BXk2aQ9f.js', 'ProductCard', 12, 8841), browserFrame('index-BXk2aQ9f.js', 'formatPrice', 12, 9102)],
  },
  {
    label: 'payments-econnreset',
    platform: 'node',
    share: 0.14,
    type: 'Error',
    value: () => 'read ECONNRESET',
    level: 'error',
    handled: true,
    mechanism: 'generic',
    transaction: 'POST /api/checkout',
    frames: [
      { filename: 'node:internal/stream_base_commons', module: 'stream_base_commons', function: 'TCP.onStreamRead', lineno: 216, colno: 20, in_app: false },
      nodeFrame('payments/payments.client', 'PaymentsClient.charge', 48, '        const response = await this.http.post(`/v1/charges`, body);'),
      nodeFrame('checkout/checkout.service', 'CheckoutService.placeOrder', 77, '        const charge = await this.payments.charge(order.total, card);'),
    ],
  },
  {
    label: 'payment-declined',
    platform: 'browser',
    share: 0.1,
    type: 'Error',
    value: (random) => `Payment failed: ${random.pick(['card_declined', 'insufficient_funds', 'expired_card'])}`,
    level: 'error',
    handled: true,
    mechanism: 'generic',
    transaction: '/checkout',
    frames: [...BROWSER_HANDLER, browserFrame('index-BXk2aQ9f.js', 'onClick', 41, 19002), browserFrame('index-BXk2aQ9f.js', 'submitPayment', 41, 18325)],
  },
  {
    label: 'search-query-timeout',
    platform: 'node',
    share: 0.09,
    type: 'TimeoutError',
    value: (random) => `Query read timeout after ${random.pick([5000, 10000])} ms`,
    level: 'error',
    handled: true,
    mechanism: 'generic',
    transaction: 'GET /api/products',
    frames: [
      { filename: '/app/node_modules/pg-pool/index.js', module: 'pg-pool:index', function: 'Timeout._onTimeout', lineno: 45, colno: 11, in_app: false },
      nodeFrame('products/products.repository', 'ProductsRepository.page', 64, '        const rows = await this.pool.query(PAGE_QUERY, [limit, offset]);'),
    ],
  },
  {
    label: 'chunk-load-error',
    platform: 'browser',
    share: 0.07,
    type: 'ChunkLoadError',
    value: (random) => `Loading chunk ${random.int(100, 999)} failed.`,
    level: 'error',
    handled: false,
    mechanism: 'auto.browser.global_handlers.onunhandledrejection',
    transaction: '/products/:id',
    frames: [browserFrame('index-BXk2aQ9f.js', 'loadChunk', 3, 1290), browserFrame('index-BXk2aQ9f.js', 'lazyRoute', 3, 2210)],
  },
  {
    label: 'cart-quantity-validation',
    platform: 'node',
    share: 0.07,
    type: 'ValidationError',
    value: () => '"quantity" must be a positive integer',
    level: 'warning',
    handled: true,
    mechanism: 'generic',
    transaction: 'POST /api/cart/items',
    frames: [...NODE_ROUTER, nodeFrame('cart/cart.controller', 'CartController.addItem', 35, '        const item = AddItemSchema.parse(req.body);')],
  },
  {
    label: 'payment-latency-message',
    platform: 'node',
    share: 0.04,
    type: undefined,
    value: (random) => `Payment provider latency above 2000 ms for order ${random.int(10_000, 99_999)}`,
    level: 'warning',
    handled: true,
    mechanism: 'generic',
    transaction: 'POST /api/checkout',
    frames: [nodeFrame('payments/payments.client', 'PaymentsClient.charge', 61, '        Sentry.captureMessage(`Payment provider latency above 2000 ms for order ${orderId}`);')],
  },
  {
    label: 'canary-delivery-date',
    platform: 'node',
    share: 0.05,
    type: 'RangeError',
    value: () => 'Invalid time value',
    level: 'error',
    handled: false,
    mechanism: 'auto.node.onunhandledrejection',
    transaction: 'GET /api/cart',
    frames: [
      ...NODE_ROUTER,
      nodeFrame('cart/cart.controller', 'CartController.get', 18, '        res.json(await this.cart.summary(req.user));'),
      nodeFrame('delivery/delivery-date', 'formatDeliveryDate', 9, '    return date.toISOString().slice(0, 10);'),
    ],
    canaryOnly: true,
  },
];

/**
 * Parts the long tail of one-off errors is assembled from. Any combination is a distinct group
 * (type, file and function all count in grouping); there are ~40,000 combinations per platform.
 */
export const LONG_TAIL = {
  types: ['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'AggregateError'],
  modules: ['accounts', 'addresses', 'analytics', 'coupons', 'emails', 'inventory', 'invoices', 'pricing', 'recommendations', 'shipping', 'taxes', 'wishlist'],
  verbs: ['load', 'parse', 'compute', 'apply', 'render', 'merge', 'sync', 'validate', 'resolve', 'format', 'refresh', 'serialize'],
  nouns: ['Address', 'Basket', 'Coupon', 'Discount', 'Invoice', 'Locale', 'Price', 'Rate', 'Session', 'Stock', 'Token', 'Zone'],
  messages: ['unexpected state', 'value out of range', 'missing field', 'not a function', 'invalid argument', 'stale reference'],
} as const;
