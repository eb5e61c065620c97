import {
  AttributeValue,
  BuiltEnvelope,
  noRecords,
  SDK_NAMES,
  SDK_VERSION,
  serializeEnvelope,
  spanItemHeader,
  toIso,
  toSeconds,
  typedAttributes,
} from '../envelope';
import { BuildContext, sentAtTags, traceEnvelopeHeader } from './build-context';
import type { PageloadModel } from './pageload-model';

/**
 * How a browser reports a page view (test/fixtures/recorded/README.md, "Web Vitals"):
 * - `stream` (@sentry/browser 11 default): a span v2 batch with the `pageload` segment (TTFB, FCP, FP
 *   as attributes) and its children; LCP, CLS and INP follow in a later envelope, when the page is hidden.
 * - `static` (11.x with `traceLifecycle: 'static'`): a `transaction` item with `measurements` fp, fcp,
 *   lcp, ttfb, cls (no fid, no inp); INP still follows as a standalone span v2 item.
 * - `legacy` (7.x, still deployed widely): a `transaction` item whose measurements include `fid`; no INP.
 */
export type PageloadGeneration = 'stream' | 'static' | 'legacy';

export const LEGACY_BROWSER_SDK_VERSION = '7.120.3';

export interface PageloadEnvelopes {
  envelope: BuiltEnvelope;
  /** Sent later (page hidden): built with the time it is sent. */
  followUp?: (nowMs: number) => BuiltEnvelope;
}

export function pageloadEnvelopes(model: PageloadModel, generation: PageloadGeneration, ctx: BuildContext): PageloadEnvelopes {
  switch (generation) {
    case 'stream':
      return streamedPageload(model, ctx);
    case 'static':
      return classicPageload(model, ctx, SDK_VERSION);
    case 'legacy':
      return classicPageload(model, ctx, LEGACY_BROWSER_SDK_VERSION);
  }
}

/** `Pageload` for a URL-named page (Pulse names it by `url.path`); the route when a router named it. */
const segmentNameOf = (model: PageloadModel): string => (model.page.source === 'url' ? 'Pageload' : model.page.name);
/** What the classic generation names the transaction. */
const classicNameOf = (model: PageloadModel): string => (model.page.source === 'url' ? model.path : model.page.name);

function browserEnvelope(model: PageloadModel, body: string, sdkVersion: string, expected: Partial<BuiltEnvelope['expected']>): BuiltEnvelope {
  return { body, client: 'browser', sdkVersion, userAgent: model.client.browser.userAgent, traceIds: [model.traceId], expected: { ...noRecords(), ...expected } };
}

function envelopeHeader(model: PageloadModel, ctx: BuildContext, sdkVersion: string, eventId?: string): Record<string, unknown> {
  const transaction = model.page.source === 'url' ? undefined : model.page.name;
  return traceEnvelopeHeader(ctx, SDK_NAMES.browser, sdkVersion, model.traceId, model.client, transaction, eventId);
}

/** Attributes the browser SDK puts on every streamed span of the page. */
function commonAttributes(model: PageloadModel, segmentName: string): Record<string, AttributeValue | undefined> {
  const { client } = model;
  return {
    'sentry.trace_lifecycle': 'stream',
    'sentry.segment.name': segmentName,
    'sentry.segment.id': model.pageloadId,
    'sentry.sdk.name': SDK_NAMES.browser,
    'sentry.sdk.version': SDK_VERSION,
    'sentry.release': client.release.name,
    'sentry.environment': client.environment,
    'sentry.is_localhost': false,
    'user.id': client.user?.id,
    'user.email': client.user?.email,
    'user_agent.original': client.browser.userAgent,
  };
}

function streamedPageload(model: PageloadModel, ctx: BuildContext): PageloadEnvelopes {
  const segmentName = segmentNameOf(model);
  const common = commonAttributes(model, segmentName);
  // Typed once and shared by every child: the same JSON, a dozen fewer objects per span.
  const typedCommon = typedAttributes(common);
  const { vitals } = model;
  const children = model.children.map((child) => ({
    name: child.name,
    span_id: child.spanId,
    trace_id: model.traceId,
    parent_span_id: model.pageloadId,
    start_timestamp: toSeconds(child.startMs),
    end_timestamp: toSeconds(child.endMs),
    is_segment: false,
    status: 'ok',
    attributes: {
      ...typedCommon,
      ...typedAttributes({
        'sentry.op': child.op,
        'sentry.origin': child.op === 'http.client' ? 'auto.http.browser' : 'auto.ui.browser.metrics',
        'url.full': child.url,
        'http.request.method': child.method,
        ...(child.op === 'resource.script' && { 'http.request.same_origin': true, 'server.address': 'shop.example' }),
      }),
    },
  }));
  const segment = {
    name: segmentName,
    span_id: model.pageloadId,
    trace_id: model.traceId,
    start_timestamp: toSeconds(model.startMs),
    end_timestamp: toSeconds(model.endMs),
    is_segment: true,
    status: model.failed ? 'error' : 'ok',
    attributes: typedAttributes({
      ...common,
      'sentry.op': 'pageload',
      'sentry.origin': 'auto.pageload.browser',
      'sentry.segment.name.source': model.page.source,
      'sentry.sample_rate': 1,
      'sentry.idle_span_finish_reason': 'idleTimeout',
      ...(model.failed && { 'sentry.status.message': 'internal_error' }),
      'url.path': model.path,
      'url.full': model.url,
      'browser.web_vital.ttfb.value': vitals.ttfb,
      'browser.web_vital.ttfb.request_time': vitals.ttfbRequestTime,
      'browser.web_vital.fcp.value': vitals.fcp,
      'browser.web_vital.fp.value': vitals.fp,
      'browser.navigation.type': 'navigate',
      'browser.performance.time_origin': toSeconds(model.startMs),
      'browser.performance.navigation.activation_start': 0,
      'network.connection.effective_type': '4g',
    }),
  };
  const items = [...children, segment];
  const payload = { version: 2, ingest_settings: { infer_ip: 'auto', infer_user_agent: 'auto' }, items };
  const body = serializeEnvelope(envelopeHeader(model, ctx, SDK_VERSION), spanItemHeader(items.length), payload);
  const envelope = browserEnvelope(model, body, SDK_VERSION, { transactions: 1, spans: children.length, webVitals: 3 });

  // Drawn now, so the later envelope consumes nothing from any generator.
  const lateIds = { lcp: ctx.ids.hex(16), cls: ctx.ids.hex(16), inp: ctx.ids.hex(16) };
  const header = envelopeHeader(model, ctx, SDK_VERSION);
  const followUp = (nowMs: number): BuiltEnvelope => {
    const late = { ...common, 'sentry.exclusive_time': 0, 'sentry.transaction': segmentName, 'sentry.pageload.span_id': model.pageloadId, 'browser.navigation.type': 'navigate' };
    const span = (id: string, name: string, startMs: number, endMs: number, attributes: Record<string, AttributeValue>) => ({
      name,
      span_id: id,
      trace_id: model.traceId,
      parent_span_id: model.pageloadId,
      start_timestamp: toSeconds(startMs),
      end_timestamp: toSeconds(endMs),
      is_segment: false,
      status: 'ok',
      attributes: typedAttributes({ ...late, ...attributes }),
    });
    const lateItems = [
      span(lateIds.lcp, 'Largest contentful paint', model.startMs, model.startMs + vitals.lcp, {
        'sentry.op': 'ui.webvital.lcp',
        'sentry.origin': 'auto.ui.browser.lcp',
        'browser.web_vital.lcp.value': vitals.lcp,
        'browser.web_vital.lcp.element': model.page.lcpElement,
        'browser.web_vital.lcp.render_time': vitals.lcp,
      }),
      span(lateIds.cls, 'Layout shift', model.clsAtMs, model.clsAtMs, {
        'sentry.op': 'ui.webvital.cls',
        'sentry.origin': 'auto.ui.browser.cls',
        'browser.web_vital.cls.value': vitals.cls,
      }),
    ];
    if (vitals.inp !== undefined) lateItems.push(inpSpan(model, lateIds.inp, nowMs, late));
    const lateBody = serializeEnvelope({ ...header, sent_at: toIso(nowMs) }, spanItemHeader(lateItems.length), { version: 2, ingest_settings: payload.ingest_settings, items: lateItems });
    const inp = vitals.inp !== undefined ? 1 : 0;
    return browserEnvelope(model, lateBody, SDK_VERSION, { spans: inp, webVitals: 2 + inp });
  };
  return { envelope, followUp };
}

/**
 * The INP interaction span: it ends between the end of the pageload and the moment the page was
 * hidden (when this envelope is sent), `interactionAgoMs` before that if there was time; a click
 * right after the load overlaps the pageload, as real early clicks do.
 */
function inpSpan(model: PageloadModel, spanId: string, nowMs: number, attributes: Record<string, AttributeValue | undefined>) {
  const inp = model.vitals.inp ?? 0;
  const endMs = Math.max(model.endMs, nowMs - model.interactionAgoMs);
  return {
    name: 'Click',
    span_id: spanId,
    trace_id: model.traceId,
    parent_span_id: model.pageloadId,
    start_timestamp: toSeconds(endMs - inp),
    end_timestamp: toSeconds(endMs),
    is_segment: false,
    status: 'ok',
    attributes: typedAttributes({
      ...attributes,
      'sentry.op': 'ui.interaction.click',
      'sentry.origin': 'auto.ui.browser.inp',
      'sentry.exclusive_time': inp,
      'browser.web_vital.inp.value': inp,
      'browser.web_vital.inp.target': model.page.clickTarget,
      'browser.web_vital.inp.interaction_type': 'click',
    }),
  };
}

function classicPageload(model: PageloadModel, ctx: BuildContext, sdkVersion: string): PageloadEnvelopes {
  const { client, vitals } = model;
  const legacy = sdkVersion === LEGACY_BROWSER_SDK_VERSION;
  const ms = (value: number) => ({ value, unit: 'millisecond' });
  const eventId = ctx.ids.hex(32);
  const name = classicNameOf(model);
  const event = {
    event_id: eventId,
    type: 'transaction',
    platform: 'javascript',
    transaction: name,
    transaction_info: { source: model.page.source },
    start_timestamp: toSeconds(model.startMs),
    timestamp: toSeconds(model.endMs),
    release: client.release.name,
    environment: client.environment,
    sdk: { name: SDK_NAMES.browser, version: sdkVersion },
    ...(client.user && { user: { id: client.user.id, email: client.user.email } }),
    request: { url: model.url, headers: { 'User-Agent': client.browser.userAgent } },
    tags: sentAtTags(ctx),
    contexts: {
      trace: {
        trace_id: model.traceId,
        span_id: model.pageloadId,
        op: 'pageload',
        status: model.failed ? 'internal_error' : 'ok',
        origin: 'auto.pageload.browser',
        data: { 'sentry.idle_span_finish_reason': 'idleTimeout', 'url.path': model.path, 'lcp.element': model.page.lcpElement },
      },
    },
    spans: model.children.map((child) => ({
      span_id: child.spanId,
      parent_span_id: model.pageloadId,
      trace_id: model.traceId,
      op: child.op,
      description: child.description,
      start_timestamp: toSeconds(child.startMs),
      timestamp: toSeconds(child.endMs),
      status: 'ok',
      origin: child.op === 'http.client' ? 'auto.http.browser' : 'auto.ui.browser.metrics',
    })),
    measurements: {
      'connection.rtt': ms(50),
      ttfb: ms(vitals.ttfb),
      'ttfb.requestTime': ms(vitals.ttfbRequestTime),
      fp: ms(vitals.fp),
      fcp: ms(vitals.fcp),
      lcp: ms(vitals.lcp),
      cls: { value: vitals.cls, unit: '' },
      ...(legacy && { fid: ms(vitals.fid) }),
    },
  };
  const body = serializeEnvelope(envelopeHeader(model, ctx, sdkVersion, eventId), { type: 'transaction' }, event);
  const envelope = browserEnvelope(model, body, sdkVersion, { transactions: 1, spans: model.children.length, webVitals: legacy ? 6 : 5 });
  if (legacy || vitals.inp === undefined) return { envelope };

  const inpId = ctx.ids.hex(16);
  const header = envelopeHeader(model, ctx, sdkVersion);
  const followUp = (nowMs: number): BuiltEnvelope => {
    const attributes = { ...commonAttributes(model, name), 'sentry.pageload.span_id': model.pageloadId, 'sentry.transaction': name, 'browser.navigation.type': 'navigate' };
    const span = { ...inpSpan(model, inpId, nowMs, attributes), name: model.page.clickTarget };
    const lateBody = serializeEnvelope({ ...header, sent_at: toIso(nowMs) }, spanItemHeader(1), { version: 2, items: [span] });
    return browserEnvelope(model, lateBody, sdkVersion, { spans: 1, webVitals: 1 });
  };
  return { envelope, followUp };
}
