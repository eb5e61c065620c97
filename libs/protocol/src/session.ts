import {
  eachObject,
  hex32OrUuid,
  isAbsent,
  isInteger,
  isObject,
  isTimestamp,
  JsonObject,
  optionalBoolean,
  optionalString,
  optionalStringOrNumber,
  PayloadResult,
  Problem,
  readPayload,
  timestamp,
} from './payload-reader';

/**
 * Release health (`session` and `sessions` envelope items), as Relay's SessionUpdate and
 * SessionAggregates read them. Unknown fields are ignored. Timestamps are RFC 3339 strings (what the
 * JS SDK sends) or float seconds. A session without `attrs.release` is invalid: Relay drops it, and
 * so does Pulse. The status is not checked here: normalization names an unknown one in its reason.
 */
export interface SessionAttributes {
  release: string;
  environment?: string | null;
  /** `{{auto}}` asks the server to use the client address. */
  ip_address?: string | null;
  user_agent?: string | null;
}

export interface SessionUpdate {
  /** Relay generates one when missing. */
  sid?: string | null;
  /** Distinct id (user); the JS SDK stringifies numbers, other SDKs may not. */
  did?: string | number | null;
  seq?: number | null;
  init?: boolean | null;
  started: string | number;
  /** Relay defaults a missing timestamp to the time it received the session. */
  timestamp?: string | number | null;
  /** ok | exited | crashed | abnormal | errored | unhandled; missing means ok. */
  status?: string | null;
  errors?: number | null;
  /** Seconds. */
  duration?: number | null;
  attrs: SessionAttributes;
}

/**
 * Each count of an aggregate bucket is stored as the quantity of one row, summed by the release
 * health queries: Relay reads them as u32, and so does Pulse, so one request cannot add 2^53
 * sessions (or overflow the sums).
 */
export const MAX_SESSION_COUNT = 2 ** 32 - 1;

/** One bucket of pre-aggregated sessions (Relay's SessionAggregateItem: there is no `ok` count). */
export interface SessionAggregateItem {
  started: string | number;
  did?: string | number | null;
  exited?: number | null;
  /** Errored sessions, not counting the abnormal and crashed ones. */
  errored?: number | null;
  abnormal?: number | null;
  /** Newer Relay: an unhandled error that did not crash the app. */
  unhandled?: number | null;
  crashed?: number | null;
}

export interface SessionAggregates {
  /** Relay defaults a missing list to empty (nothing to store). */
  aggregates?: SessionAggregateItem[] | null;
  attrs: SessionAttributes;
}

const TIMESTAMP = 'must be an RFC 3339 string or seconds since the epoch';
const DROPPED = '(sessions without a release are dropped)';

export function readSessionUpdate(json: unknown): PayloadResult<SessionUpdate> {
  return readPayload(json, 'session', sessionUpdateProblem);
}

export function readSessionAggregates(json: unknown): PayloadResult<SessionAggregates> {
  return readPayload(json, 'session aggregates', sessionAggregatesProblem);
}

function sessionUpdateProblem(session: JsonObject): Problem {
  return (
    hex32OrUuid(session.sid, 'sid', true) ??
    optionalStringOrNumber(session.did, 'did') ??
    (isAbsent(session.seq) ? undefined : !isInteger(session.seq) ? 'seq must be an integer' : session.seq < 0 ? 'seq must not be less than 0' : undefined) ??
    optionalBoolean(session.init, 'init') ??
    timestamp(session.started, false, `started ${TIMESTAMP}`) ??
    timestamp(session.timestamp, true, `timestamp ${TIMESTAMP}`) ??
    optionalString(session.status, 'status') ??
    (isAbsent(session.errors) || (isInteger(session.errors) && session.errors >= 0) ? undefined : 'errors must be a non-negative integer') ??
    durationProblem(session.duration) ??
    attributesProblem(session.attrs)
  );
}

function durationProblem(duration: unknown): Problem {
  if (isAbsent(duration)) return undefined;
  return typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? undefined : 'duration must be a number of seconds';
}

function sessionAggregatesProblem(payload: JsonObject): Problem {
  const aggregates = payload.aggregates;
  if (!isAbsent(aggregates)) {
    if (!Array.isArray(aggregates)) return 'aggregates must be an array';
    const problem = eachObject(aggregates, 'aggregates', bucketProblem);
    if (problem !== undefined) return problem;
  }
  return attributesProblem(payload.attrs);
}

const COUNTS = ['exited', 'errored', 'abnormal', 'unhandled', 'crashed'] as const;

/** Worded relative to the bucket, as `aggregates.<i>.` is put in front (`aggregates.0.exited: exited must be ...`). */
function bucketProblem(bucket: JsonObject): Problem {
  if (!isTimestamp(bucket.started)) return `started: started ${TIMESTAMP}`;
  if (!isAbsent(bucket.did) && typeof bucket.did !== 'string' && typeof bucket.did !== 'number') return 'did: did must be a string';
  for (const key of COUNTS) {
    const count = bucket[key];
    if (isAbsent(count)) continue;
    if (!isInteger(count) || count < 0) return `${key}: ${key} must be a non-negative integer`;
    if (count > MAX_SESSION_COUNT) return `${key}: ${key} must be at most ${MAX_SESSION_COUNT}`;
  }
  return undefined;
}

function attributesProblem(attrs: unknown): Problem {
  if (isAbsent(attrs)) return `attrs is required ${DROPPED}`;
  if (!isObject(attrs)) return 'attrs must be an object';
  if (isAbsent(attrs.release)) return `attrs.release is required ${DROPPED}`;
  if (typeof attrs.release !== 'string') return 'attrs.release must be a string';
  return optionalString(attrs.environment, 'attrs.environment') ?? optionalString(attrs.ip_address, 'attrs.ip_address') ?? optionalString(attrs.user_agent, 'attrs.user_agent');
}
