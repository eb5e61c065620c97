import type { SessionAggregates, SessionAttributes, SessionUpdate } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';
import { eventIdOf, NormalizeContext, NormalizeResult } from './normalize-context';
import type { SessionRecord, SessionStatus } from './session.record';
import { toEpochMs } from './timestamps';

/**
 * Release health, following Relay's session processing:
 * - an invalid release drops the item (missing, empty, longer than 200, `.`, `..`, `latest`, or with
 *   `/ \` or control characters); an invalid environment is replaced by the default `production`;
 * - a status Pulse does not know drops a `session` (Relay drops unknown statuses too); `unhandled`
 *   (newer SDKs: an unhandled error that did not crash) is stored as `errored` until SessionRecord
 *   has a status of its own for it;
 * - a session whose timestamp is before its start gets timestamp = started;
 * - a `session` becomes one record with quantity 1; each non-zero count of a `sessions` bucket
 *   becomes one record with that quantity (init true, no session id, errors 0).
 * Clock-drift correction and Relay's age limits (5 days back, 1 minute ahead) are left to the
 * ingest step, which knows `sent_at`.
 */
const STATUSES: Record<string, SessionStatus> = { ok: 'ok', exited: 'exited', crashed: 'crashed', abnormal: 'abnormal', errored: 'errored', unhandled: 'errored' };

/** Relay's `VALID_API_ATTRIBUTE_REGEX`: no slashes, no control characters. */
const BAD_CHARACTERS = /[\\/\r\n\t\x7f\x00-\x1f]/; // eslint-disable-line no-control-regex

export function normalizeSession(dto: SessionUpdate, ctx: NormalizeContext): NormalizeResult<SessionRecord> {
  const attrs = normalizeAttributes(dto.attrs);
  if (!attrs.ok) return attrs;
  const rawStatus = (dto.status ?? 'ok').trim().toLowerCase();
  const status = STATUSES[rawStatus];
  if (status === undefined) return { ok: false, reason: `unknown session status "${truncate(dto.status, 64)}"` };

  const startedMs = toEpochMs(dto.started);
  const timestampMs = Math.max(dto.timestamp === undefined || dto.timestamp === null ? ctx.receivedAtMs : toEpochMs(dto.timestamp), startedMs);
  return {
    ok: true,
    record: {
      projectId: ctx.projectId,
      sessionId: eventIdOf(dto.sid, ctx),
      distinctId: distinctId(dto.did),
      status,
      init: dto.init === true,
      errors: dto.errors ?? 0,
      quantity: 1,
      startedMs,
      timestampMs,
      durationS: dto.duration ?? null,
      release: attrs.release,
      environment: attrs.environment,
      receivedAtMs: ctx.receivedAtMs,
    },
  };
}

/** Aggregate keys in the order records are emitted; `unhandled` counts as errored (see above). */
const AGGREGATE_KEYS = ['exited', 'errored', 'unhandled', 'abnormal', 'crashed'] as const;

export function normalizeSessionAggregates(dto: SessionAggregates, ctx: NormalizeContext): NormalizeResult<SessionRecord[]> {
  const attrs = normalizeAttributes(dto.attrs);
  if (!attrs.ok) return attrs;
  const records: SessionRecord[] = [];
  for (const bucket of dto.aggregates ?? []) {
    const startedMs = toEpochMs(bucket.started);
    const counts = new Map<SessionStatus, number>();
    for (const key of AGGREGATE_KEYS) {
      const status = STATUSES[key];
      counts.set(status, (counts.get(status) ?? 0) + (bucket[key] ?? 0));
    }
    for (const [status, quantity] of counts) {
      if (quantity === 0) continue;
      records.push({
        projectId: ctx.projectId,
        sessionId: '',
        distinctId: distinctId(bucket.did),
        status,
        init: true,
        errors: 0,
        quantity,
        startedMs,
        timestampMs: startedMs,
        durationS: null,
        release: attrs.release,
        environment: attrs.environment,
        receivedAtMs: ctx.receivedAtMs,
      });
    }
  }
  return { ok: true, record: records };
}

type Attributes = { ok: true; release: string; environment: string } | { ok: false; reason: string };

function normalizeAttributes(attrs: SessionAttributes | undefined): Attributes {
  const release = typeof attrs?.release === 'string' ? attrs.release.trim() : '';
  const invalid = releaseProblem(release);
  if (invalid) return { ok: false, reason: `${invalid} (sessions without a valid release are dropped)` };
  const environment = attrs?.environment?.trim() ?? '';
  return { ok: true, release, environment: isValidEnvironment(environment) ? environment : 'production' };
}

export function releaseProblem(release: string): string | undefined {
  if (release === '') return 'release is missing';
  if (release.length > LIMITS.release) return 'release is longer than 200 characters';
  if (release === '.' || release === '..' || release.toLowerCase() === 'latest') return `release "${release}" is a restricted name`;
  if (BAD_CHARACTERS.test(release)) return 'release contains slashes or control characters';
  return undefined;
}

function isValidEnvironment(environment: string): boolean {
  if (environment === '' || environment.length > LIMITS.environment) return false;
  if (environment === '.' || environment === '..' || environment.toLowerCase() === 'none') return false;
  return !BAD_CHARACTERS.test(environment);
}

function distinctId(did: string | number | null | undefined): string {
  return did === undefined || did === null ? '' : truncate(String(did).trim(), LIMITS.shortField);
}
