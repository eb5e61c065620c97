import { isAbsent, isInteger, isObject, isTimestamp, JsonObject } from './payload-reader';

/**
 * Client reports (`client_report` envelope items): what an SDK discarded before sending — rate
 * limit back-off, a full queue, sampling, `before_send`, network errors — as counts per reason and
 * data category since its last report. Read as Relay reads them
 * (relay-event-schema/src/protocol/client_report.rs; processing in
 * relay-server/src/services/processor/report.rs):
 *
 *   {"timestamp": 1701950000.5 | "2026-12-07T10:00:00Z",
 *    "discarded_events": [{"reason": "queue_overflow", "category": "error", "quantity": 3}, …],
 *    "rate_limited_events": […], "filtered_events": […], "filtered_sampling_events": […]}
 *
 * The four lists have the same entries. SDKs fill only `discarded_events`; the other three are what
 * a Relay forwards in its own reports, and Relay folds all four into its outcomes keyed by (list,
 * reason, category). Every list and the timestamp may be missing (Relay defaults them). Reasons and
 * categories are not checked against a list: SDKs add new ones. A quantity is a non-negative
 * integer of at most MAX_CLIENT_REPORT_QUANTITY. Unknown fields are ignored.
 *
 * Each problem has a code, so tests and callers tell them apart without matching words.
 */
export interface DiscardedEvent {
  reason: string;
  category: string;
  quantity: number;
}

export interface ClientReport {
  /** Float seconds since the epoch or an RFC 3339 string; Relay uses the receive time when missing. */
  timestamp?: number | string | null;
  discarded_events?: DiscardedEvent[] | null;
  rate_limited_events?: DiscardedEvent[] | null;
  filtered_events?: DiscardedEvent[] | null;
  filtered_sampling_events?: DiscardedEvent[] | null;
}

/** The lists of a report, in the order Relay chains them. */
export const CLIENT_REPORT_LISTS = ['discarded_events', 'rate_limited_events', 'filtered_events', 'filtered_sampling_events'] as const;
export type ClientReportList = (typeof CLIENT_REPORT_LISTS)[number];

/**
 * A report counts what one SDK process dropped in a few seconds (SDKs send one every ~30 s); 2^32 - 1
 * (Relay's session counts are u32 too) is far beyond that and keeps the sums of a query far from
 * 2^53 and from UInt64's end.
 */
export const MAX_CLIENT_REPORT_QUANTITY = 2 ** 32 - 1;

export type ClientReportErrorCode =
  | 'not_an_object' // the payload is not a JSON object
  | 'bad_timestamp' // timestamp neither seconds nor a date string
  | 'list_not_an_array' // one of the four lists is not an array
  | 'entry_not_an_object' // an entry of a list is not an object
  | 'bad_reason' // an entry's reason missing or not a string
  | 'bad_category' // an entry's category missing or not a string
  | 'bad_quantity' // an entry's quantity missing, not an integer, or negative
  | 'quantity_too_large'; // an entry's quantity above MAX_CLIENT_REPORT_QUANTITY

export type ClientReportResult = { ok: true; value: ClientReport } | { ok: false; code: ClientReportErrorCode; detail: string; causes: string[] };

interface Found {
  code: ClientReportErrorCode;
  problem: string;
}

export function readClientReport(json: unknown): ClientReportResult {
  const found = isObject(json) ? reportProblem(json) : { code: 'not_an_object' as const, problem: 'expected a JSON object' };
  if (found === undefined) return { ok: true, value: json as ClientReport };
  return { ok: false, code: found.code, detail: `invalid client report: ${found.problem}`, causes: found.code === 'not_an_object' ? [] : [found.problem] };
}

function reportProblem(report: JsonObject): Found | undefined {
  if (!isAbsent(report.timestamp) && !isTimestamp(report.timestamp)) {
    return { code: 'bad_timestamp', problem: 'timestamp must be an RFC 3339 string or seconds since the epoch' };
  }
  for (const list of CLIENT_REPORT_LISTS) {
    const entries = report[list];
    if (isAbsent(entries)) continue;
    if (!Array.isArray(entries)) return { code: 'list_not_an_array', problem: `${list} must be an array` };
    for (let i = 0; i < entries.length; i++) {
      const found = entryProblem(entries[i]);
      if (found !== undefined) return { code: found.code, problem: `${list}.${i}${found.problem}` };
    }
  }
  return undefined;
}

/** Worded after the entry's path (`discarded_events.0` + `.quantity must be …`). */
function entryProblem(entry: unknown): Found | undefined {
  if (!isObject(entry)) return { code: 'entry_not_an_object', problem: ' must be an object' };
  if (typeof entry.reason !== 'string') return { code: 'bad_reason', problem: '.reason must be a string' };
  if (typeof entry.category !== 'string') return { code: 'bad_category', problem: '.category must be a string' };
  const quantity = entry.quantity;
  if (!isInteger(quantity) || quantity < 0) return { code: 'bad_quantity', problem: '.quantity must be a non-negative integer' };
  if (quantity > MAX_CLIENT_REPORT_QUANTITY) return { code: 'quantity_too_large', problem: `.quantity must be at most ${MAX_CLIENT_REPORT_QUANTITY}` };
  return undefined;
}
