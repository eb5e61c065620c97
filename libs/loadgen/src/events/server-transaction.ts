import { API_ORIGIN, ChildSpanTemplate, FAILURES, FailureProfile, ROUTES, RouteProfile, SERVER_NAMES } from '../catalog/routes';
import type { ClientContext } from '../clients';
import {
  BuiltEnvelope,
  noRecords,
  SDK_NAMES,
  SDK_VERSION,
  serializeEnvelope,
  spanItemHeader,
  toSeconds,
  typedAttributes,
  AttributeValue,
} from '../envelope';
import { BuildContext, sentAtTags, traceEnvelopeHeader } from './build-context';
import { layoutSequential } from './timing';

/** One request to the simulated Node API, independent of how the SDK will send it. */
export interface ServerTransactionModel {
  client: ClientContext;
  route: RouteProfile;
  name: string;
  path: string;
  traceId: string;
  spanId: string;
  startMs: number;
  endMs: number;
  failure: FailureProfile | undefined;
  serverName: string;
  children: ServerChildSpan[];
}

export interface ServerChildSpan {
  spanId: string;
  template: ChildSpanTemplate;
  description: string;
  startMs: number;
  endMs: number;
  /** A span status name ('ok', 'internal_error'…). */
  status: string;
}

/** How long after the request ended the SDK sends it (span buffer / transaction flush), at most. */
const MAX_FLUSH_DELAY_MS = 50;
const HTTP_CLIENT_ORIGIN = 'auto.http.otel.node_fetch';
/** The child span's name in span-v2 form (a cache read is named by its key). */
export const childSpanName = (child: ServerChildSpan): string => (child.template.op === 'cache.get' ? child.description : child.template.name);

export function drawServerTransaction(ctx: BuildContext): ServerTransactionModel {
  const { random, ids } = ctx;
  const client = ctx.clients.draw(random);
  const route = random.weighted(ROUTES, (r) => r.share);
  const failure = random.chance(Math.min(1, route.failureRate * client.release.errorFactor)) ? random.weighted(FAILURES, (f) => f.share) : undefined;
  const durationMs = random.logNormal(route.medianMs * client.release.latencyFactor, route.sigma);
  const endMs = ctx.nowMs - random.next() * MAX_FLUSH_DELAY_MS;
  const startMs = endMs - durationMs;
  const templates = route.children.filter((template) => random.chance(template.probability));
  const times = layoutSequential(random, startMs, endMs, templates.map((template) => template.share));
  // A 5xx is blamed on the request's last step (the payment call times out, the query fails).
  const failedChild = failure && failure.httpStatus >= 500 ? templates.length - 1 : -1;
  return {
    client,
    route,
    name: `${route.method} ${route.route}`,
    path: route.path(random),
    traceId: ids.hex(32),
    spanId: ids.hex(16),
    startMs,
    endMs,
    failure,
    serverName: random.pick(SERVER_NAMES),
    children: templates.map((template, index) => ({
      spanId: ids.hex(16),
      template,
      description: template.description(random),
      ...times[index],
      status: index === failedChild && failure ? failure.spanStatus : 'ok',
    })),
  };
}

export const httpStatusOf = (tx: ServerTransactionModel): number => tx.failure?.httpStatus ?? (tx.route.method === 'POST' ? 201 : 200);
export const urlOf = (tx: ServerTransactionModel): string => `${API_ORIGIN}${tx.path}`;
export const pathOnly = (path: string): string => path.split('?', 1)[0];

function header(tx: ServerTransactionModel, ctx: BuildContext, eventId?: string): Record<string, unknown> {
  return traceEnvelopeHeader(ctx, SDK_NAMES.node, SDK_VERSION, tx.traceId, tx.client, tx.name, eventId);
}

/** Streamed (span v2, the @sentry/node 11 default): the children, then the segment, in one batch. */
export function streamedServerEnvelope(tx: ServerTransactionModel, ctx: BuildContext): BuiltEnvelope {
  const { client } = tx;
  const common: Record<string, AttributeValue | undefined> = {
    'sentry.trace_lifecycle': 'stream',
    'sentry.segment.name': tx.name,
    'sentry.segment.id': tx.spanId,
    'sentry.sdk.name': SDK_NAMES.node,
    'sentry.sdk.version': SDK_VERSION,
    'sentry.release': client.release.name,
    'sentry.environment': client.environment,
    'user.id': client.user?.id,
    'user.email': client.user?.email,
  };
  // Typed once and shared by every child: the same JSON, fewer objects per span.
  const typedCommon = typedAttributes(common);
  const children = tx.children.map((child) => ({
    name: childSpanName(child),
    span_id: child.spanId,
    trace_id: tx.traceId,
    parent_span_id: tx.spanId,
    start_timestamp: toSeconds(child.startMs),
    end_timestamp: toSeconds(child.endMs),
    is_segment: false,
    status: child.status === 'ok' ? 'ok' : 'error',
    attributes: { ...typedCommon, ...typedAttributes({ ...childAttributes(child), ...(child.status !== 'ok' && { 'sentry.status.message': child.status }) }) },
  }));
  const status = httpStatusOf(tx);
  const segment = {
    name: tx.name,
    span_id: tx.spanId,
    trace_id: tx.traceId,
    start_timestamp: toSeconds(tx.startMs),
    end_timestamp: toSeconds(tx.endMs),
    is_segment: true,
    status: tx.failure ? 'error' : 'ok',
    attributes: typedAttributes({
      ...common,
      'sentry.op': 'http.server',
      'sentry.origin': 'auto.http.otel.http',
      'sentry.segment.name.source': 'route',
      'sentry.sample_rate': 1,
      'sentry.kind': 'server',
      ...(tx.failure && { 'sentry.status.message': tx.failure.spanStatus }),
      'http.route': tx.route.route,
      'http.request.method': tx.route.method,
      'http.response.status_code': status,
      'url.path': pathOnly(tx.path),
      'url.full': urlOf(tx),
      'url.scheme': 'https',
      'server.address': 'api.shop.example',
      'user_agent.original': client.browser.userAgent,
      'os.name': 'Linux',
      'process.runtime.engine.name': 'node',
      'process.runtime.engine.version': 'v20.20.2',
    }),
  };
  const items = [...children, segment];
  return {
    body: serializeEnvelope(header(tx, ctx), spanItemHeader(items.length), { version: 2, items }),
    client: 'node',
    sdkVersion: SDK_VERSION,
    userAgent: `${SDK_NAMES.node}/${SDK_VERSION}`,
    traceIds: [tx.traceId],
    expected: { ...noRecords(), transactions: 1, spans: children.length },
  };
}

function childAttributes(child: ServerChildSpan): Record<string, AttributeValue> {
  switch (child.template.op) {
    case 'db':
      return { 'sentry.op': 'db', 'sentry.origin': 'auto.db.otel.postgres', 'db.system.name': 'postgresql', 'db.query.summary': child.template.name, 'db.query.text': child.description };
    case 'cache.get':
      return { 'sentry.op': 'cache.get', 'sentry.origin': 'manual', 'cache.key': [child.description], 'cache.hit': true };
    case 'http.client': {
      const [method, url] = child.description.split(' ');
      const failed = child.status !== 'ok';
      return { 'sentry.op': 'http.client', 'sentry.origin': HTTP_CLIENT_ORIGIN, 'http.request.method': method, 'url.full': url, 'http.response.status_code': failed ? 504 : 200 };
    }
  }
}

/** Classic (`transaction` item: SDKs before the current major, or `traceLifecycle: 'static'`). */
export function classicServerEnvelope(tx: ServerTransactionModel, ctx: BuildContext): BuiltEnvelope {
  const { client } = tx;
  const eventId = ctx.ids.hex(32);
  const status = httpStatusOf(tx);
  const event = {
    event_id: eventId,
    type: 'transaction',
    platform: 'node',
    transaction: tx.name,
    transaction_info: { source: 'route' },
    start_timestamp: toSeconds(tx.startMs),
    timestamp: toSeconds(tx.endMs),
    release: client.release.name,
    environment: client.environment,
    server_name: tx.serverName,
    sdk: { name: SDK_NAMES.node, version: SDK_VERSION },
    ...(client.user && { user: { id: client.user.id, email: client.user.email } }),
    request: { url: urlOf(tx), method: tx.route.method, headers: { 'user-agent': client.browser.userAgent } },
    tags: sentAtTags(ctx),
    contexts: {
      trace: {
        trace_id: tx.traceId,
        span_id: tx.spanId,
        op: 'http.server',
        status: tx.failure?.spanStatus ?? 'ok',
        origin: 'auto.http.otel.http',
        data: { 'http.route': tx.route.route, 'http.response.status_code': status },
      },
      response: { status_code: status },
      os: { name: 'Linux' },
      runtime: { name: 'node', version: 'v20.20.2' },
    },
    spans: tx.children.map((child) => ({
      span_id: child.spanId,
      parent_span_id: tx.spanId,
      trace_id: tx.traceId,
      op: child.template.op,
      description: child.description,
      start_timestamp: toSeconds(child.startMs),
      timestamp: toSeconds(child.endMs),
      status: child.status,
      origin: child.template.op === 'db' ? 'auto.db.otel.postgres' : child.template.op === 'http.client' ? HTTP_CLIENT_ORIGIN : 'manual',
    })),
    measurements: {},
  };
  return {
    body: serializeEnvelope(header(tx, ctx, eventId), { type: 'transaction' }, event),
    client: 'node',
    sdkVersion: SDK_VERSION,
    userAgent: `${SDK_NAMES.node}/${SDK_VERSION}`,
    traceIds: [tx.traceId],
    expected: { ...noRecords(), transactions: 1, spans: tx.children.length },
  };
}
