// The shape of one recorded fixture without ids and timestamps (item headers, span ops and
// names, attribute names and types per op, session and client-report payloads), written to
// test/fixtures/recorded/summary.json by the recorders so an SDK upgrade can be reviewed as a diff.
import { parseEnvelope } from './envelope';
import { RecordedRequest } from './recording-server';

interface Attributes {
  [key: string]: { value: unknown; type: string };
}

/** What matters to a server about one fixture's requests, without ids and timestamps. */
export function summarise(requests: RecordedRequest[]): Record<string, unknown> {
  const attributeTypesByOp: Record<string, Record<string, string>> = {};
  const summarised = requests.map((request) => {
    const summary: Record<string, unknown> = {
      method: request.method,
      queryKeys: Object.keys(request.query),
      contentType: request.headers['content-type'] ?? null,
      contentEncoding: request.contentEncoding ?? null,
      bytesSent: request.rawBody.length,
      bytesDecoded: request.body.length,
    };
    if (request.method !== 'POST') return summary;
    try {
      const envelope = parseEnvelope(request.body);
      summary.envelopeHeaderKeys = Object.keys(envelope.header);
      summary.traceHeaderKeys = Object.keys((envelope.header.trace as object | undefined) ?? {});
      summary.items = envelope.items.map((item) => {
        const json = item.json as Record<string, unknown> | undefined;
        const out: Record<string, unknown> = { header: item.header, payloadKeys: json ? Object.keys(json) : null };
        if (item.header.type === 'span' && json && Array.isArray(json.items)) {
          out.spans = (json.items as Array<Record<string, unknown>>).map((span) => {
            const attributes = (span.attributes ?? {}) as Attributes;
            const op = String(attributes['sentry.op']?.value ?? '(none)');
            attributeTypesByOp[op] ??= {};
            for (const [key, attribute] of Object.entries(attributes)) attributeTypesByOp[op][key] = attribute.type;
            const parent = typeof span.parent_span_id === 'string' ? 'child' : 'root';
            return `${op} ${JSON.stringify(span.name)} ${span.is_segment ? 'segment' : 'span'} ${parent} ${String(span.status)}`;
          });
        }
        if (item.header.type === 'transaction' && json) {
          const contexts = (json.contexts ?? {}) as Record<string, Record<string, unknown>>;
          out.transaction = {
            name: json.transaction,
            op: contexts.trace?.op,
            status: contexts.trace?.status,
            measurements: Object.keys((json.measurements as object | undefined) ?? {}),
            spanOps: ((json.spans ?? []) as Array<Record<string, unknown>>).map((span) => span.op),
          };
        }
        if (['session', 'sessions', 'client_report'].includes(String(item.header.type)) && json) out.payload = json;
        return out;
      });
    } catch (error) {
      summary.notAnEnvelope = error instanceof Error ? error.message : String(error);
    }
    return summary;
  });
  for (const op of Object.keys(attributeTypesByOp)) {
    attributeTypesByOp[op] = Object.fromEntries(Object.entries(attributeTypesByOp[op]).sort(([a], [b]) => a.localeCompare(b)));
  }
  return { requests: summarised, attributeTypesByOp };
}
