import type { SeededRandom } from '../random';

/** A child span of a server transaction, laid out in order inside the request. */
export interface ChildSpanTemplate {
  op: 'db' | 'cache.get' | 'http.client';
  /** The streamed span name (low cardinality, as the SDK names it). */
  name: string;
  /** The classic description (query text, `METHOD url`, cache key) and, for streamed spans, the attribute that carries it. */
  description(random: SeededRandom): string;
  /** Typical share of the request's duration this step takes. */
  share: number;
  /** Child spans are skipped sometimes (a cache hit skips the query): the chance it runs. */
  probability: number;
}

/**
 * The HTTP routes of the simulated Node API (Express, instrumented by @sentry/node). Each has its
 * own log-normal latency (median, σ) and failure rate; the canary release multiplies both.
 */
export interface RouteProfile {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `http.route`; the transaction is named `<method> <route>` with source `route`. */
  route: string;
  share: number;
  path(random: SeededRandom): string;
  medianMs: number;
  sigma: number;
  /** Chance a request fails (5xx/4xx status) on a release with errorFactor 1. */
  failureRate: number;
  children: readonly ChildSpanTemplate[];
}

const id = (random: SeededRandom): number => random.int(1, 5000);

const SELECT_PRODUCT: ChildSpanTemplate = {
  op: 'db',
  name: 'SELECT products',
  description: () => 'SELECT id, name, price, stock FROM products WHERE id = $1',
  share: 0.35,
  probability: 0.7,
};
const CACHE_PRODUCT: ChildSpanTemplate = { op: 'cache.get', name: 'GET products', description: (random) => `products:${id(random)}`, share: 0.05, probability: 1 };
const SELECT_CART: ChildSpanTemplate = {
  op: 'db',
  name: 'SELECT cart_items',
  description: () => 'SELECT product_id, quantity FROM cart_items WHERE cart_id = $1',
  share: 0.4,
  probability: 1,
};

export const ROUTES: readonly RouteProfile[] = [
  {
    method: 'GET',
    route: '/api/products',
    share: 0.22,
    path: (random) => `/api/products?page=${random.int(1, 20)}`,
    medianMs: 45,
    sigma: 0.5,
    failureRate: 0.005,
    children: [
      { op: 'db', name: 'SELECT products', description: () => 'SELECT id, name, price FROM products ORDER BY rank LIMIT $1 OFFSET $2', share: 0.6, probability: 1 },
      { op: 'db', name: 'SELECT count', description: () => 'SELECT count(*) FROM products', share: 0.15, probability: 1 },
    ],
  },
  {
    method: 'GET',
    route: '/api/products/:id',
    share: 0.25,
    path: (random) => `/api/products/${id(random)}`,
    medianMs: 28,
    sigma: 0.55,
    failureRate: 0.01,
    children: [CACHE_PRODUCT, SELECT_PRODUCT],
  },
  {
    method: 'GET',
    route: '/api/products/:id/reviews',
    share: 0.1,
    path: (random) => `/api/products/${id(random)}/reviews`,
    medianMs: 60,
    sigma: 0.6,
    failureRate: 0.005,
    children: [{ op: 'db', name: 'SELECT reviews', description: () => 'SELECT * FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 20', share: 0.7, probability: 1 }],
  },
  {
    method: 'GET',
    route: '/api/cart',
    share: 0.18,
    path: () => '/api/cart',
    medianMs: 22,
    sigma: 0.45,
    failureRate: 0.004,
    children: [SELECT_CART],
  },
  {
    method: 'POST',
    route: '/api/cart/items',
    share: 0.1,
    path: () => '/api/cart/items',
    medianMs: 55,
    sigma: 0.5,
    failureRate: 0.015,
    children: [SELECT_PRODUCT, { op: 'db', name: 'INSERT cart_items', description: () => 'INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ($1, $2, $3)', share: 0.3, probability: 1 }],
  },
  {
    method: 'POST',
    route: '/api/checkout',
    share: 0.05,
    path: () => '/api/checkout',
    medianMs: 380,
    sigma: 0.7,
    failureRate: 0.03,
    children: [
      SELECT_CART,
      { op: 'http.client', name: 'POST payments.example', description: () => 'POST https://payments.example/v1/charges', share: 0.7, probability: 1 },
      { op: 'db', name: 'INSERT orders', description: () => 'INSERT INTO orders (user_id, total, status) VALUES ($1, $2, $3) RETURNING id', share: 0.1, probability: 1 },
    ],
  },
  {
    method: 'GET',
    route: '/api/orders/:id',
    share: 0.06,
    path: (random) => `/api/orders/${random.int(10_000, 99_999)}`,
    medianMs: 35,
    sigma: 0.5,
    failureRate: 0.02,
    children: [{ op: 'db', name: 'SELECT orders', description: () => 'SELECT * FROM orders WHERE id = $1', share: 0.5, probability: 1 }],
  },
  {
    method: 'POST',
    route: '/api/login',
    share: 0.04,
    path: () => '/api/login',
    medianMs: 190,
    sigma: 0.3,
    failureRate: 0.02,
    children: [{ op: 'db', name: 'SELECT users', description: () => 'SELECT id, password_hash FROM users WHERE email = $1', share: 0.1, probability: 1 }],
  },
];

/** How a failed request ends: HTTP status, the span status name, and how often. */
export interface FailureProfile {
  httpStatus: number;
  spanStatus: string;
  share: number;
}

export const FAILURES: readonly FailureProfile[] = [
  { httpStatus: 500, spanStatus: 'internal_error', share: 0.6 },
  { httpStatus: 503, spanStatus: 'unavailable', share: 0.1 },
  { httpStatus: 504, spanStatus: 'deadline_exceeded', share: 0.1 },
  { httpStatus: 404, spanStatus: 'not_found', share: 0.2 },
];

/** The API's public origin (`url.full`) and the server process name (`server_name`). */
export const API_ORIGIN = 'https://api.shop.example';
export const SERVER_NAMES: readonly string[] = ['shop-api-7d9f8c6b5-x2k4p', 'shop-api-7d9f8c6b5-m8q2z', 'shop-api-7d9f8c6b5-t4n7w'];
