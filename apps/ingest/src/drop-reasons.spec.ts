import { RecordKind } from '@pulse/model';
import { ApiError } from '@pulse/platform';
import { countDrop, countSkippedItem, describeDrop, Drop, DropCode, dropText, isRefusal, refuse, Refusal, RefusalCode, STORE_EVENT } from './drop-reasons';
import { eventMetrics } from './testing/event-metrics';

/** Status, body and headers of the error a refusal answers with. */
function answer(error: ApiError) {
  return { status: error.getStatus(), body: error.getResponse(), headers: error.headers };
}

const TOO_DEEP = 'JSON nested deeper than 128 levels (the limit)';

/** Every drop reason: its `dropped` line and what it counts. Keyed by code, so a new reason without a row fails to compile. */
const DROPS: { [C in DropCode]: { drop: Drop<C>; line: string; counted: Record<string, number> } } = {
  too_many_sessions: {
    drop: { drop: 'too_many_sessions', index: 101, kind: 'session', max: 100 },
    line: 'item 101 (session): more than 100 session items in one envelope',
    counted: { 'session/too_many_sessions': 1 },
  },
  too_deep: { drop: { drop: 'too_deep', index: 0, kind: 'event', reason: TOO_DEEP }, line: `item 0 (event): ${TOO_DEEP}`, counted: { 'event/too_deep': 1 } },
  invalid: {
    drop: { drop: 'invalid', index: 2, kind: 'transaction', reason: 'not valid JSON: Unexpected end of JSON input' },
    line: 'item 2 (transaction): not valid JSON: Unexpected end of JSON input',
    counted: { 'transaction/invalid': 1 },
  },
  bad_item_count: {
    drop: { drop: 'bad_item_count', index: 1, kind: 'span', reason: 'item_count 3 does not match the 1 spans of the payload' },
    line: 'item 1 (span): item_count 3 does not match the 1 spans of the payload',
    counted: { 'span/bad_item_count': 1 },
  },
  processing_error: {
    drop: { drop: 'processing_error', index: 0, kind: 'sessions', reason: 'the item could not be processed (RangeError)' },
    line: 'item 0 (sessions): the item could not be processed (RangeError)',
    counted: { 'sessions/processing_error': 1 },
  },
  rate_limited: { drop: { drop: 'rate_limited', index: 3, kind: 'span' }, line: 'item 3 (span): rate limited', counted: { 'span/rate_limited': 1 } },
  partial: {
    drop: { drop: 'partial', index: 0, kind: 'transaction', reason: 'spans[4]: span_id is missing' },
    line: 'item 0 (transaction): spans[4]: span_id is missing',
    counted: {},
  },
  invalid_timestamp: {
    drop: { drop: 'invalid_timestamp', record: RecordKind.WebVital, reason: 'timestamp is not a time Pulse can store (1900-01-01 to 2299-12-31)' },
    line: 'webVitals: timestamp is not a time Pulse can store (1900-01-01 to 2299-12-31)',
    counted: { 'web_vital/invalid_timestamp': 1 },
  },
};

describe('drop reasons', () => {
  it.each(Object.keys(DROPS) as DropCode[])('%s: its dropped line, and the outcome it counts', async (code) => {
    const { drop, line, counted } = DROPS[code];
    const { metrics, counts } = eventMetrics();
    countDrop(metrics, drop);
    expect(describeDrop(drop)).toBe(line);
    expect(await counts()).toEqual(counted);
  });

  it('words an item drop without its place as the detail of a 400', () => {
    expect(dropText(DROPS.invalid.drop)).toBe('not valid JSON: Unexpected end of JSON input');
    expect(dropText(DROPS.too_many_sessions.drop)).toBe('more than 100 session items in one envelope');
  });

  it('counts types Pulse does not store under their own name, and unknown types as `unknown`', async () => {
    const { metrics, counts } = eventMetrics();
    countSkippedItem(metrics, 'attachment', 'dropped');
    countSkippedItem(metrics, 'attachment', 'dropped');
    countSkippedItem(metrics, 'anything<script>', 'unknown');
    expect(await counts()).toEqual({ 'attachment/not_stored': 2, 'unknown/unknown_type': 1 });
  });
});

const STORED = [
  { index: 0, kind: 'transaction' as const, quantity: 1, json: {} },
  { index: 1, kind: 'span' as const, quantity: 3, json: {} },
];
const KAFKA_DOWN = { 'Retry-After': '5', 'X-Sentry-Error': 'unavailable' };
const KAFKA_DETAIL = { detail: 'events could not be handed to Kafka; retry later' };

/** Every refusal: the answer (status, body, headers) and what it counts. Keyed by code, so a new reason without a row fails to compile. */
const REFUSALS: { [C in RefusalCode]: { refusal: Refusal<C>; status: number; body: object; headers: Record<string, string>; counted: Record<string, number> } } = {
  no_key: { refusal: { refusal: 'no_key', reason: 'no DSN public key' }, status: 401, body: { detail: 'no DSN public key' }, headers: {}, counted: {} },
  unknown_key: { refusal: { refusal: 'unknown_key' }, status: 401, body: { detail: 'unknown DSN public key' }, headers: {}, counted: {} },
  foreign_key: { refusal: { refusal: 'foreign_key', projectId: 7 }, status: 403, body: { detail: 'this DSN key does not belong to project 7' }, headers: {}, counted: {} },
  foreign_dsn: {
    refusal: { refusal: 'foreign_dsn', projectId: 7, dsnProjectId: '8' },
    status: 403,
    body: { detail: "the envelope's dsn names project 8, not 7" },
    headers: {},
    counted: {},
  },
  empty_body: { refusal: { refusal: 'empty_body' }, status: 400, body: { detail: 'empty request body' }, headers: { 'X-Sentry-Error': 'empty request body' }, counted: {} },
  undecodable: {
    refusal: { refusal: 'undecodable', error: { code: 'unsupported_encoding', detail: 'unsupported Content-Encoding: zstd' } },
    status: 415,
    body: { detail: 'unsupported Content-Encoding: zstd' },
    headers: { 'X-Sentry-Error': 'unsupported Content-Encoding: zstd' },
    counted: {},
  },
  bad_envelope: {
    refusal: { refusal: 'bad_envelope', error: { code: 'item_too_large', detail: 'item 0 (event): 9 bytes, more than the 8 allowed' } },
    status: 413,
    body: { detail: 'item 0 (event): 9 bytes, more than the 8 allowed' },
    headers: { 'X-Sentry-Error': 'item 0 (event): 9 bytes, more than the 8 allowed' },
    counted: {},
  },
  event_too_large: {
    refusal: { refusal: 'event_too_large', maxBytes: 1024 },
    status: 413,
    body: { detail: 'event is larger than 1024 bytes' },
    headers: { 'X-Sentry-Error': 'event is larger than 1024 bytes' },
    counted: {},
  },
  event_too_deep: {
    refusal: { refusal: 'event_too_deep', items: STORE_EVENT },
    status: 400,
    body: { detail: `invalid event: ${TOO_DEEP}` },
    headers: { 'X-Sentry-Error': `invalid event: ${TOO_DEEP}` },
    counted: { 'event/too_deep': 1 },
  },
  event_invalid_json: {
    refusal: { refusal: 'event_invalid_json', reason: 'not valid JSON: Unexpected token é' },
    status: 400,
    body: { detail: 'invalid event: not valid JSON: Unexpected token é' },
    // A header carries printable ASCII only.
    headers: { 'X-Sentry-Error': 'invalid event: not valid JSON: Unexpected token ?' },
    counted: {},
  },
  otlp_unsupported_type: {
    refusal: { refusal: 'otlp_unsupported_type', contentType: 'text/plain' },
    status: 415,
    body: { detail: 'unsupported content type "text/plain": OTLP/HTTP takes application/x-protobuf or application/json' },
    headers: { 'X-Sentry-Error': 'unsupported content type "text/plain": OTLP/HTTP takes application/x-protobuf or application/json' },
    counted: {},
  },
  otlp_undecodable: {
    refusal: { refusal: 'otlp_undecodable', error: { code: 'too_many_spans', detail: 'more than 10 spans in one export' } },
    status: 413,
    body: { detail: 'more than 10 spans in one export' },
    headers: { 'X-Sentry-Error': 'more than 10 spans in one export' },
    counted: {},
  },
  otlp_processing_error: {
    // The service counts the request's spans; the refusal counts nothing more.
    refusal: { refusal: 'otlp_processing_error', reason: 'the export could not be processed (TypeError)' },
    status: 400,
    body: { detail: 'the export could not be processed (TypeError)' },
    headers: { 'X-Sentry-Error': 'the export could not be processed (TypeError)' },
    counted: {},
  },
  nothing_stored: {
    // Its drops were counted when they happened; the refusal counts nothing more.
    refusal: { refusal: 'nothing_stored', drops: [DROPS.invalid.drop, DROPS.bad_item_count.drop] },
    status: 400,
    body: { detail: 'not valid JSON: Unexpected end of JSON input', causes: [DROPS.invalid.line, DROPS.bad_item_count.line] },
    headers: { 'X-Sentry-Error': 'not valid JSON: Unexpected end of JSON input' },
    counted: {},
  },
  rate_limited: {
    refusal: { refusal: 'rate_limited', items: STORED, headers: { 'X-Sentry-Rate-Limits': '3:transaction:key, 9:span:key' }, retryAfterS: 9 },
    status: 429,
    body: { detail: 'rate limited' },
    headers: { 'X-Sentry-Rate-Limits': '3:transaction:key, 9:span:key', 'Retry-After': '9', 'X-Sentry-Error': 'rate limited' },
    counted: { 'transaction/rate_limited': 1, 'span/rate_limited': 1 },
  },
  kafka_overloaded: { refusal: { refusal: 'kafka_overloaded', items: STORED }, status: 503, body: KAFKA_DETAIL, headers: KAFKA_DOWN, counted: { 'transaction/overloaded': 1, 'span/overloaded': 1 } },
  kafka_failed: { refusal: { refusal: 'kafka_failed', items: STORED }, status: 503, body: KAFKA_DETAIL, headers: KAFKA_DOWN, counted: { 'transaction/failed': 1, 'span/failed': 1 } },
};

describe('refusals', () => {
  it.each(Object.keys(REFUSALS) as RefusalCode[])('%s: its answer, and the outcome it counts', async (code) => {
    const { refusal, status, body, headers, counted } = REFUSALS[code];
    const { metrics, counts } = eventMetrics();
    expect(answer(refuse(metrics, refusal))).toEqual({ status, body, headers });
    expect(await counts()).toEqual(counted);
  });

  it('cuts X-Sentry-Error to 200 characters; the detail stays whole', () => {
    const reason = 'x'.repeat(300);
    const { metrics } = eventMetrics();
    const { body, headers } = answer(refuse(metrics, { refusal: 'event_invalid_json', reason }));
    expect(body).toEqual({ detail: `invalid event: ${reason}` });
    expect(headers['X-Sentry-Error']).toBe(`invalid event: ${reason}`.slice(0, 200));
  });

  it('tells a refusal from what the steps return when they pass', () => {
    expect(isRefusal<unknown>({ refusal: 'empty_body' })).toBe(true);
    for (const passed of ['a public key', Buffer.from('{}'), [], {}, undefined, { limited: undefined, headers: undefined }]) expect(isRefusal<unknown>(passed)).toBe(false);
  });
});
