import { OtlpSpan, OtlpSpanKind, OtlpStatusCode } from '@pulse/protocol';
import { normalizeSpanStatus, spanStatusFromHttpCode } from '../span-status';
import { attributeInteger, attributeText, firstText } from './otlp-resource';

/**
 * What Sentry's data model needs and an OpenTelemetry span only implies: the op, the transaction
 * name and its source, the HTTP fields and the status. The op and name follow Sentry's own
 * OpenTelemetry integration (getsentry/sentry-javascript packages/opentelemetry/src/utils/
 * parseSpanDescription.ts, `inferSpanData` and `descriptionForHttpMethod`, 8.x-10.x; 11.x no longer
 * ships it, the inference moved server-side): HTTP by the method attribute and the span kind, then
 * database, RPC, messaging and FaaS by their system attributes. Each convention is read under its
 * current name first, then under the name older SDKs still send (semantic conventions before the
 * HTTP and database stabilisation: `http.method`, `http.status_code`, `http.url`, `http.target`,
 * `db.system`, `db.statement`).
 */

export interface OtlpSpanData {
  op: string;
  /** The transaction name this span gets when it is a segment. */
  segmentName: string;
  source: 'route' | 'url' | 'custom';
  httpMethod?: string;
  httpStatusCode?: number;
  urlFull?: string;
  urlPath?: string;
  dbQuery?: string;
  /** A Sentry span status name (`ok`, `not_found`, `internal_error`, …). */
  status: string;
}

export function otlpSpanData(span: OtlpSpan): OtlpSpanData {
  const attributes = span.attributes;
  const httpMethod = firstText(attributes, 'http.request.method', 'http.method')?.toUpperCase();
  const httpStatusCode = attributeInteger(attributes, 'http.response.status_code', 'http.status_code');
  const urlFull = firstText(attributes, 'url.full', 'http.url');
  const urlPath = firstText(attributes, 'url.path', 'http.target')?.split(/[?#]/, 1)[0] ?? pathOfUrl(urlFull);
  const naming = segmentNaming(span, httpMethod, urlPath);
  return {
    op: inferOp(span, httpMethod),
    ...naming,
    httpMethod,
    httpStatusCode: httpStatusCode !== undefined && httpStatusCode >= 100 && httpStatusCode <= 599 ? httpStatusCode : undefined,
    urlFull,
    urlPath,
    dbQuery: firstText(attributes, 'db.query.text', 'db.statement'),
    status: otlpStatus(span, httpStatusCode),
  };
}

/**
 * `inferSpanData`'s order: an HTTP method makes an `http.<kind>` span, then `db.system.name`
 * (`db.system`) a `db` span, `rpc.service` an `rpc` span, `messaging.system` a queue span (Sentry's
 * queue ops: `queue.publish` for PRODUCER, `queue.process` for CONSUMER, else `queue`), then
 * `faas.trigger` a `function.<trigger>` span; anything else is `default`, as a Sentry span without op.
 */
export function inferOp(span: OtlpSpan, httpMethod: string | undefined): string {
  const attributes = span.attributes;
  if (httpMethod) return span.kind === OtlpSpanKind.Server ? 'http.server' : span.kind === OtlpSpanKind.Client ? 'http.client' : 'http';
  if (firstText(attributes, 'db.system.name', 'db.system')) return 'db';
  if (attributeText(attributes, 'rpc.service') || attributeText(attributes, 'rpc.system')) return 'rpc';
  if (attributeText(attributes, 'messaging.system')) return span.kind === OtlpSpanKind.Producer ? 'queue.publish' : span.kind === OtlpSpanKind.Consumer ? 'queue.process' : 'queue';
  const trigger = attributeText(attributes, 'faas.trigger');
  if (trigger) return `function.${trigger}`;
  return 'default';
}

/**
 * A SERVER span with `http.route`: `<METHOD> <route>` (source `route`); a SERVER span with a method
 * but no route: `<METHOD> <path>` (source `url`), as Sentry names a request it has no route for;
 * any other span keeps its own name (source `custom`: the instrumentation chose it).
 */
function segmentNaming(span: OtlpSpan, method: string | undefined, urlPath: string | undefined): Pick<OtlpSpanData, 'segmentName' | 'source'> {
  if (span.kind !== OtlpSpanKind.Server || !method) return { segmentName: span.name, source: 'custom' };
  const route = attributeText(span.attributes, 'http.route');
  if (route) return { segmentName: `${method} ${route}`, source: 'route' };
  if (urlPath) return { segmentName: `${method} ${urlPath}`, source: 'url' };
  return { segmentName: span.name, source: 'custom' };
}

/**
 * OTLP status → Sentry status. ERROR: the HTTP status's span status when the code is ≥ 400, else
 * the status message when it names a Sentry status (`not_found`, `deadline_exceeded`, …), else
 * `internal_error`. UNSET: from the HTTP status code when there is one (as Sentry's SDKs set it),
 * else ok. OK: ok (the instrumentation said so, whatever the HTTP code).
 */
export function otlpStatus(span: Pick<OtlpSpan, 'status'>, httpStatusCode: number | undefined): string {
  const http = httpStatusCode !== undefined && httpStatusCode >= 100 && httpStatusCode <= 599 ? httpStatusCode : undefined;
  switch (span.status.code) {
    case OtlpStatusCode.Ok:
      return 'ok';
    case OtlpStatusCode.Error: {
      if (http !== undefined && http >= 400) return spanStatusFromHttpCode(http).status;
      const message = span.status.message.trim().toLowerCase();
      const named = normalizeSpanStatus(message);
      const isName = named.status !== 'ok' && (named.status !== 'unknown' || message === 'unknown' || message === 'unknown_error');
      return isName ? named.status : 'internal_error';
    }
    default:
      return http === undefined ? 'ok' : spanStatusFromHttpCode(http).status;
  }
}

function pathOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
