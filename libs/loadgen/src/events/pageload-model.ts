import { PAGES, PAGE_SCRIPTS, PageProfile, SHOP_ORIGIN } from '../catalog/pages';
import type { ClientContext } from '../clients';
import { roundMs } from '../envelope';
import type { SeededRandom } from '../random';
import type { BuildContext } from './build-context';

/** A child span of the pageload: navigation timing, paints, scripts and API calls. */
export interface PageChildSpan {
  spanId: string;
  op: string;
  /** Streamed name ("DNS lookup", "shop.example", "GET", "first-paint"…). */
  name: string;
  /** Classic description (what Pulse derives from a streamed span's attributes, too). */
  description: string;
  startMs: number;
  endMs: number;
  /** `url.full` of the streamed span, when it has one. */
  url?: string;
  method?: string;
}

/** Web Vitals of one page view, in ms (CLS a score). INP only when the user interacted. */
export interface PageVitals {
  ttfb: number;
  ttfbRequestTime: number;
  fp: number;
  fcp: number;
  lcp: number;
  cls: number;
  inp: number | undefined;
  /** Only legacy (7.x) SDKs measured FID; drawn for every page so the draws do not depend on the SDK. */
  fid: number;
}

/** One page view, independent of the SDK generation that reports it. */
export interface PageloadModel {
  client: ClientContext;
  page: PageProfile;
  path: string;
  url: string;
  traceId: string;
  pageloadId: string;
  /** performance.timeOrigin: the pageload and its LCP span start here. */
  startMs: number;
  endMs: number;
  vitals: PageVitals;
  /** When the last layout shift happened (epoch ms). */
  clsAtMs: number;
  /** How long before the page was hidden the user's interaction ended (INP span time). */
  interactionAgoMs: number;
  children: PageChildSpan[];
  /** An unhandled error during the load marks the pageload `internal_error`. */
  failed: boolean;
}

/** The SDK's idle span ends the pageload ~1 s after the last activity and sends it then. */
const IDLE_TIMEOUT_MS = 1000;
/** Chance of an unhandled error during the load, at errorFactor 1. */
const PAGELOAD_FAILURE_RATE = 0.01;

export function drawPageload(ctx: BuildContext): PageloadModel {
  const { random, ids } = ctx;
  const client = ctx.clients.draw(random);
  const page = random.weighted(PAGES, (p) => p.share);
  const path = page.path(random);
  const url = `${SHOP_ORIGIN}${path}`;
  const slowdown = client.release.latencyFactor * client.browser.latencyFactor;
  const vitals = drawVitals(random, page, slowdown);

  const relative = drawTimeline(random, vitals, page.fetches(random), url);
  const lastActivity = Math.max(vitals.lcp, ...relative.map((child) => child.endMs));
  const endMs = ctx.nowMs - IDLE_TIMEOUT_MS - random.next() * 50;
  const startMs = endMs - lastActivity;
  return {
    client,
    page,
    path,
    url,
    traceId: ids.hex(32),
    pageloadId: ids.hex(16),
    startMs,
    endMs,
    vitals,
    clsAtMs: startMs + vitals.fcp + random.next() * (lastActivity - vitals.fcp),
    interactionAgoMs: random.logNormal(400, 0.6),
    children: relative.map((child) => ({ ...child, spanId: ids.hex(16), startMs: startMs + child.startMs, endMs: startMs + child.endMs })),
    failed: random.chance(Math.min(1, PAGELOAD_FAILURE_RATE * client.release.errorFactor)),
  };
}

/**
 * Log-normal around the page's medians, slowed by release and browser; kept in their real order:
 * TTFB < FP ≤ FCP ≤ LCP. FP equals FCP most of the time (the first paint has content); LCP is
 * the FCP element on a third of the pages; a third of the views never shift (CLS 0).
 */
export function drawVitals(random: SeededRandom, page: PageProfile, slowdown: number): PageVitals {
  const ttfb = roundMs(random.logNormal(page.vitals.ttfb * slowdown, 0.5));
  const fcp = roundMs(ttfb + random.logNormal((page.vitals.fcp - page.vitals.ttfb) * slowdown, 0.45));
  const fp = random.chance(0.6) ? fcp : roundMs(Math.max(ttfb + 1, fcp - random.logNormal(20, 0.5)));
  const lcp = random.chance(0.3) ? fcp : roundMs(fcp + random.logNormal((page.vitals.lcp - page.vitals.fcp) * slowdown, 0.6));
  const cls = random.chance(0.3) ? 0 : Math.round(random.logNormal(page.vitals.cls, 0.9) * 10_000) / 10_000;
  // Event Timing durations are multiples of 8 ms.
  const inp = random.chance(0.6) ? Math.max(8, Math.round(random.logNormal(page.vitals.inp * slowdown, 0.55) / 8) * 8) : undefined;
  const fid = roundMs(random.logNormal(15 * slowdown, 0.9));
  return { ttfb, ttfbRequestTime: roundMs(ttfb * random.next() * 0.6), fp, fcp, lcp, cls, inp, fid };
}

type RelativeChild = Omit<PageChildSpan, 'spanId'>;

/** Navigation timing, paints, scripts and fetches in ms from time origin. */
function drawTimeline(random: SeededRandom, vitals: PageVitals, fetches: string[], pageUrl: string): RelativeChild[] {
  const dnsEnd = random.logNormal(8, 0.8);
  const connectEnd = dnsEnd + random.logNormal(25, 0.6);
  const requestStart = Math.min(connectEnd, vitals.ttfb * 0.9);
  const responseEnd = vitals.ttfb + random.logNormal(30, 0.6);
  const nav = (op: string, name: string, startMs: number, endMs: number): RelativeChild => ({ op, name, description: pageUrl, startMs, endMs: Math.max(startMs, endMs), url: pageUrl });
  const children: RelativeChild[] = [
    nav('browser.dns', 'DNS lookup', 0, Math.min(dnsEnd, requestStart)),
    nav('browser.connect', 'Connect', Math.min(dnsEnd, requestStart), requestStart),
    nav('browser.request', 'Request', requestStart, vitals.ttfb),
    nav('browser.response', 'Response', vitals.ttfb, responseEnd),
    { op: 'browser.paint', name: 'first-paint', description: 'first-paint', startMs: vitals.fp, endMs: vitals.fp },
    { op: 'browser.paint', name: 'first-contentful-paint', description: 'first-contentful-paint', startMs: vitals.fcp, endMs: vitals.fcp },
  ];
  let scriptsEnd = responseEnd;
  for (const script of PAGE_SCRIPTS) {
    const startMs = responseEnd + random.logNormal(5, 0.5);
    const endMs = startMs + random.logNormal(90, 0.7);
    scriptsEnd = Math.max(scriptsEnd, endMs);
    children.push({ op: 'resource.script', name: 'shop.example', description: script, startMs, endMs, url: `${SHOP_ORIGIN}${script}` });
  }
  const domContentLoaded = scriptsEnd + random.logNormal(10, 0.5);
  children.push(nav('browser.dom_content_loaded_event', 'DOMContentLoaded event', domContentLoaded, domContentLoaded + random.logNormal(3, 0.5)));
  for (const path of fetches) {
    const startMs = scriptsEnd + random.logNormal(15, 0.5);
    children.push({ op: 'http.client', name: 'GET', description: `GET ${path.split('?', 1)[0]}`, startMs, endMs: startMs + random.logNormal(120, 0.6), url: path, method: 'GET' });
  }
  const loadEvent = domContentLoaded + random.logNormal(40, 0.6);
  children.push(nav('browser.load_event', 'Load event', loadEvent, loadEvent + random.logNormal(2, 0.5)));
  return children;
}
