import type { ExceptionRecord } from '@pulse/model';

/** ClickHouse's JSON gives 64-bit integers as strings (or numbers, depending on the settings). */
type Int64 = number | string;

export interface ErrorGroupRow {
  fingerprint: string;
  title: string;
  culprit: string;
  level: string;
  count: Int64;
  users: Int64;
  first_seen: Int64;
  last_seen: Int64;
  releases: string[];
  unhandled: Int64;
}

export interface ErrorGroup {
  fingerprint: string;
  title: string;
  culprit: string;
  level: string;
  count: number;
  /** Distinct non-empty user ids (uniq: exact below 65,536 distinct users). */
  users: number;
  /** Epoch ms of the first and last event in the range. */
  first_seen: number;
  last_seen: number;
  /** Releases the group occurred in within the range, sorted; events without a release are not listed. */
  releases: string[];
  /** Events with an unhandled exception. */
  unhandled: number;
}

export function toErrorGroups(rows: ErrorGroupRow[]): ErrorGroup[] {
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    title: row.title,
    culprit: row.culprit,
    level: row.level,
    count: Number(row.count),
    users: Number(row.users),
    first_seen: Number(row.first_seen),
    last_seen: Number(row.last_seen),
    releases: row.releases,
    unhandled: Number(row.unhandled),
  }));
}

/** The fields an event row of ClickHouse and the answer share as they are. */
interface ErrorEventFields {
  event_id: string;
  level: string;
  title: string;
  message: string;
  culprit: string;
  release: string;
  environment: string;
  transaction: string;
  trace_id: string;
  span_id: string;
  user_id: string;
  browser: string;
  os: string;
  tags: Record<string, string>;
}

export interface ErrorEventRow extends ErrorEventFields {
  timestamp_ms: Int64;
  handled: boolean | number;
  /** JSON of ExceptionRecord[] as the row mapper stored it. */
  exceptions: string;
}

export interface ErrorEvent extends ErrorEventFields {
  /** Epoch ms. */
  timestamp: number;
  handled: boolean;
  /** The exception chain, outermost last, each with its stack frames (oldest first). */
  exceptions: ExceptionRecord[];
}

export interface ErrorEventsResponse {
  fingerprint: string;
  /** Newest first. */
  events: ErrorEvent[];
  /** Events of the group in the range and filters, over all pages. */
  total: number;
}

export function toErrorEventsResponse(fingerprint: string, rows: ErrorEventRow[], total: Int64): ErrorEventsResponse {
  return { fingerprint, events: rows.map(toErrorEvent), total: Number(total) };
}

function toErrorEvent(row: ErrorEventRow): ErrorEvent {
  return {
    event_id: row.event_id,
    timestamp: Number(row.timestamp_ms),
    level: row.level,
    title: row.title,
    message: row.message,
    culprit: row.culprit,
    handled: Boolean(row.handled),
    release: row.release,
    environment: row.environment,
    transaction: row.transaction,
    trace_id: row.trace_id,
    span_id: row.span_id,
    user_id: row.user_id,
    browser: row.browser,
    os: row.os,
    tags: row.tags,
    exceptions: parseStoredExceptions(row.exceptions),
  };
}

/** The stored chain; an unreadable value (never written by Pulse's mapper) shows as no exceptions. */
export function parseStoredExceptions(json: string): ExceptionRecord[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as ExceptionRecord[]) : [];
  } catch {
    return [];
  }
}
