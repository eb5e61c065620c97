import type { SeededRandom } from '../random';

/**
 * The pages of the simulated shop front end. Static paths are named by URL (the browser SDK's
 * default, source `url`); pages with an id are named by their route, as router instrumentation
 * (React Router, Vue Router…) does (source `route`), which keeps the transaction names few.
 */
export interface PageProfile {
  /** The transaction name Pulse should store. */
  name: string;
  source: 'url' | 'route';
  share: number;
  /** A concrete path for `url.path` / `request.url`. */
  path(random: SeededRandom): string;
  /**
   * Medians in ms from navigation start (before release and browser factors): TTFB, then FCP, then
   * LCP; CLS when there is any shift (a score); INP when the user interacts.
   */
  vitals: { ttfb: number; fcp: number; lcp: number; cls: number; inp: number };
  /** Same-origin API calls the page makes while loading (`http.client` child spans). */
  fetches(random: SeededRandom): string[];
  /** The element an interaction targets (INP `target`) and the LCP element. */
  clickTarget: string;
  lcpElement: string;
}

const productId = (random: SeededRandom): number => random.int(1, 5000);
const orderId = (random: SeededRandom): number => random.int(10_000, 99_999);

export const PAGES: readonly PageProfile[] = [
  {
    name: '/',
    source: 'url',
    share: 0.3,
    path: () => '/',
    vitals: { ttfb: 280, fcp: 1000, lcp: 1600, cls: 0.04, inp: 110 },
    fetches: () => ['/api/products?featured=1', '/api/cart'],
    clickTarget: 'body > header > nav > a.products',
    lcpElement: 'body > main > section.hero > img',
  },
  {
    name: '/products',
    source: 'url',
    share: 0.2,
    path: () => '/products',
    vitals: { ttfb: 340, fcp: 1150, lcp: 2100, cls: 0.09, inp: 150 },
    fetches: (random) => [`/api/products?page=${random.int(1, 20)}`, '/api/cart'],
    clickTarget: 'body > main > ul.grid > li > a',
    lcpElement: 'body > main > ul.grid > li:nth-child(1) > img',
  },
  {
    name: '/products/:id',
    source: 'route',
    share: 0.25,
    path: (random) => `/products/${productId(random)}`,
    vitals: { ttfb: 310, fcp: 1100, lcp: 2500, cls: 0.06, inp: 140 },
    fetches: (random) => {
      const id = productId(random);
      return [`/api/products/${id}`, `/api/products/${id}/reviews`];
    },
    clickTarget: 'body > main > div.buy > button.add-to-cart',
    lcpElement: 'body > main > div.gallery > img.main',
  },
  {
    name: '/cart',
    source: 'url',
    share: 0.12,
    path: () => '/cart',
    vitals: { ttfb: 260, fcp: 900, lcp: 1400, cls: 0.03, inp: 120 },
    fetches: () => ['/api/cart'],
    clickTarget: 'body > main > form > button.checkout',
    lcpElement: 'body > main > h1',
  },
  {
    name: '/checkout',
    source: 'url',
    share: 0.08,
    path: () => '/checkout',
    vitals: { ttfb: 420, fcp: 1300, lcp: 2200, cls: 0.12, inp: 260 },
    fetches: () => ['/api/cart', '/api/checkout/quote'],
    clickTarget: 'body > main > form#payment > button.pay',
    lcpElement: 'body > main > form#payment',
  },
  {
    name: '/account/orders/:id',
    source: 'route',
    share: 0.05,
    path: (random) => `/account/orders/${orderId(random)}`,
    vitals: { ttfb: 380, fcp: 1250, lcp: 1900, cls: 0.05, inp: 130 },
    fetches: (random) => [`/api/orders/${orderId(random)}`],
    clickTarget: 'body > main > table > tr > td > a.invoice',
    lcpElement: 'body > main > table',
  },
];

/** The origin of the simulated shop front end (page URLs, script URLs, `Origin` header). */
export const SHOP_ORIGIN = 'https://shop.example';

/** Scripts every page loads; the file names carry a bundler content hash, as a Vite build's do. */
export const PAGE_SCRIPTS: readonly string[] = ['/assets/index-BXk2aQ9f.js', '/assets/vendor-CmUNIOo6.js'];
