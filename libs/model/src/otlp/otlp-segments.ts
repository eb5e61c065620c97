import { OtlpSpan, OtlpSpanKind, SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK, SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK } from '@pulse/protocol';

/**
 * Which OTLP spans Pulse refuses and which of the rest are segments (transactions).
 *
 * OpenTelemetry has no transaction: a trace is a tree of spans across services. Sentry's unit is
 * the segment, the spans one service did for one request, rooted at a LOCAL ROOT: a span with no
 * parent, or whose parent is in another process. OTLP 1.x says so in `Span.flags`
 * (SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK: the SDK knows; SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK: the
 * parent is remote). Older SDKs leave both bits 0; then a span whose parent is not in the request
 * is a local root only if its kind is SERVER or CONSUMER (it started work for a caller). An
 * INTERNAL or CLIENT span whose parent is missing is a child whose segment was exported in another
 * request (a BatchSpanProcessor flushes by time, not by trace).
 */

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

/** Why a span cannot be stored, worded for the OTLP partial-success `error_message`; undefined when it can. */
export function otlpSpanProblem(span: OtlpSpan): string | undefined {
  const label = `span ${span.spanId || '(no id)'}`;
  const traceId = span.traceId.toLowerCase();
  const spanId = span.spanId.toLowerCase();
  if (!HEX32.test(traceId)) return `${label}: trace id must be 32 hex characters`;
  if (traceId === ZERO32) return `${label}: trace id must not be all zeros`;
  if (!HEX16.test(spanId)) return `${label}: span id must be 16 hex characters`;
  if (spanId === ZERO16) return `${label}: span id must not be all zeros`;
  if (!(span.startTimeUnixNano > 0)) return `${label}: start time is missing`;
  if (!Number.isFinite(span.endTimeUnixNano) || span.endTimeUnixNano < span.startTimeUnixNano) return `${label}: end time is before start time`;
  return undefined;
}

/** The parent span id, lower case; '' when absent or not a valid span id (the span is then treated as parentless). */
export function parentIdOf(span: OtlpSpan): string {
  const parent = span.parentSpanId.toLowerCase();
  return HEX16.test(parent) && parent !== ZERO16 ? parent : '';
}

/** `trace:span`: span ids are unique only within their trace. */
export const spanKey = (traceId: string, spanId: string): string => `${traceId.toLowerCase()}:${spanId.toLowerCase()}`;

/** Whether the span roots a segment, given whether its parent is in the request (see the module comment). */
export function isLocalRoot(span: OtlpSpan, parentInRequest: boolean): boolean {
  if (parentIdOf(span) === '') return true;
  if ((span.flags & SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK) !== 0) return (span.flags & SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK) !== 0;
  return !parentInRequest && (span.kind === OtlpSpanKind.Server || span.kind === OtlpSpanKind.Consumer);
}

/**
 * The segment (local root) of every span, by `spanKey`: itself for a root, else the first root up
 * its parents within the request; '' when the walk leaves the request first (its segment was sent
 * in another request: the span is stored with segment '').
 */
export function segmentIds(spans: readonly OtlpSpan[]): Map<string, string> {
  // Each span's key, parent key and lower-case id are computed once, not on every step of a walk.
  const byKey = new Map<string, SegmentNode>();
  for (const span of spans) {
    const parent = parentIdOf(span);
    const key = spanKey(span.traceId, span.spanId);
    byKey.set(key, { span, spanId: span.spanId.toLowerCase(), parentKey: parent === '' ? '' : spanKey(span.traceId, parent), isRoot: false });
  }
  for (const node of byKey.values()) node.isRoot = isLocalRoot(node.span, node.parentKey !== '' && byKey.has(node.parentKey));
  const segments = new Map<string, string>();
  for (const [key, node] of byKey) {
    let current: SegmentNode | undefined = node;
    let found = '';
    // At most one hop per span: a cycle of parents (bad data) ends the walk with no segment.
    for (let hops = 0; current && hops <= byKey.size; hops++) {
      if (current.isRoot) {
        found = current.spanId;
        break;
      }
      current = current.parentKey === '' ? undefined : byKey.get(current.parentKey);
    }
    segments.set(key, found);
  }
  return segments;
}

/** A span of the request as the segment walk sees it. */
interface SegmentNode {
  span: OtlpSpan;
  /** Lower case. */
  spanId: string;
  /** `spanKey` of the parent; '' when the span has no (valid) parent id. */
  parentKey: string;
  isRoot: boolean;
}
