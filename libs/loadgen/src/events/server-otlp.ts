import type { AttributeValue } from '../envelope';
import { OTLP_LOCAL_SAMPLED_FLAGS, OTLP_SPAN_KIND, OTLP_STATUS_CODE, otlpAttributes, OtlpJsonScopeSpans, OtlpJsonSpan, OtlpJsonTracesRequest, unixNanos } from '../otlp';
import { childSpanName, httpStatusOf, pathOnly, ServerChildSpan, ServerTransactionModel, urlOf } from './server-transaction';

/**
 * A server transaction as a Node service instrumented with the OpenTelemetry SDK (no Sentry SDK)
 * exports it over OTLP: one export per request here (the content of one classic or streamed
 * envelope, so the ingest benchmark compares the forms span for span), the server span from
 * @opentelemetry/instrumentation-http, queries from -pg, outgoing calls from -undici, and the
 * cache reads as the application's own spans. Attributes follow the semantic conventions (HTTP
 * and database, stable); the deployment is in the resource (`service.version` carries the
 * release as the Sentry SDK names it, `deployment.environment.name` the environment). Ids,
 * names, times and statuses are those of the envelope forms of the same model.
 */
const SDK_VERSION = '2.12.1';
const INSTRUMENTATION_VERSION = '0.203.0';
const SERVICE_NAME = 'shop-api';
const SCOPES = {
  http: { name: '@opentelemetry/instrumentation-http', version: INSTRUMENTATION_VERSION },
  pg: { name: '@opentelemetry/instrumentation-pg', version: INSTRUMENTATION_VERSION },
  undici: { name: '@opentelemetry/instrumentation-undici', version: INSTRUMENTATION_VERSION },
  app: { name: SERVICE_NAME, version: '' },
} as const;
type ScopeName = keyof typeof SCOPES;

export function otlpServerTraces(tx: ServerTransactionModel): OtlpJsonTracesRequest {
  const { client } = tx;
  const status = httpStatusOf(tx);
  const query = tx.path.includes('?') ? tx.path.slice(tx.path.indexOf('?') + 1) : undefined;
  const server: OtlpJsonSpan = {
    traceId: tx.traceId,
    spanId: tx.spanId,
    flags: OTLP_LOCAL_SAMPLED_FLAGS,
    name: tx.name,
    kind: OTLP_SPAN_KIND.server,
    startTimeUnixNano: unixNanos(tx.startMs),
    endTimeUnixNano: unixNanos(tx.endMs),
    attributes: otlpAttributes({
      'http.request.method': tx.route.method,
      'http.route': tx.route.route,
      'http.response.status_code': status,
      'url.scheme': 'https',
      'url.path': pathOnly(tx.path),
      'url.query': query,
      'server.address': new URL(urlOf(tx)).hostname,
      'network.protocol.version': '1.1',
      'user_agent.original': client.browser.userAgent,
      'user.id': client.user?.id,
      'user.email': client.user?.email,
    }),
    status: tx.failure ? { code: OTLP_STATUS_CODE.error, message: tx.failure.spanStatus } : { code: OTLP_STATUS_CODE.unset },
  };
  const byScope = new Map<ScopeName, OtlpJsonSpan[]>([['http', [server]]]);
  for (const child of tx.children) {
    const { scope, span } = childSpan(tx, child);
    const spans = byScope.get(scope);
    if (spans) spans.push(span);
    else byScope.set(scope, [span]);
  }
  const scopeSpans: OtlpJsonScopeSpans[] = [...byScope].map(([scope, spans]) => ({ scope: { ...SCOPES[scope] }, spans }));
  return {
    resourceSpans: [
      {
        resource: {
          attributes: otlpAttributes({
            'service.name': SERVICE_NAME,
            'service.version': client.release.name,
            'deployment.environment.name': client.environment,
            'host.name': tx.serverName,
            'os.type': 'linux',
            'process.runtime.name': 'nodejs',
            'process.runtime.version': '20.20.2',
            'telemetry.sdk.language': 'nodejs',
            'telemetry.sdk.name': 'opentelemetry',
            'telemetry.sdk.version': SDK_VERSION,
          }),
        },
        scopeSpans,
      },
    ],
  };
}

function childSpan(tx: ServerTransactionModel, child: ServerChildSpan): { scope: ScopeName; span: OtlpJsonSpan } {
  const { scope, kind, name, attributes } = childShape(child);
  return {
    scope,
    span: {
      traceId: tx.traceId,
      spanId: child.spanId,
      parentSpanId: tx.spanId,
      flags: OTLP_LOCAL_SAMPLED_FLAGS,
      name,
      kind,
      startTimeUnixNano: unixNanos(child.startMs),
      endTimeUnixNano: unixNanos(child.endMs),
      attributes: otlpAttributes(attributes),
      status: child.status === 'ok' ? { code: OTLP_STATUS_CODE.unset } : { code: OTLP_STATUS_CODE.error, message: child.status },
    },
  };
}

function childShape(child: ServerChildSpan): { scope: ScopeName; kind: number; name: string; attributes: Record<string, AttributeValue> } {
  const name = childSpanName(child);
  switch (child.template.op) {
    case 'db':
      return {
        scope: 'pg',
        kind: OTLP_SPAN_KIND.client,
        name,
        attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.summary': child.template.name, 'db.query.text': child.description, 'server.address': 'postgres', 'server.port': 5432 },
      };
    case 'cache.get':
      return { scope: 'app', kind: OTLP_SPAN_KIND.internal, name, attributes: { 'cache.key': [child.description], 'cache.hit': true } };
    case 'http.client': {
      const [method, url] = child.description.split(' ');
      const failed = child.status !== 'ok';
      return {
        scope: 'undici',
        kind: OTLP_SPAN_KIND.client,
        name,
        attributes: { 'http.request.method': method, 'url.full': url, 'server.address': new URL(url).hostname, 'http.response.status_code': failed ? 504 : 200 },
      };
    }
  }
}
