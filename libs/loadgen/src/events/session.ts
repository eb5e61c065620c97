import type { ClientContext } from '../clients';
import { BuiltEnvelope, ClientKind, noRecords, SDK_NAMES, SDK_VERSION, serializeEnvelope, toIso } from '../envelope';
import type { BuildContext } from './build-context';

/**
 * Release health as the JS SDKs 11 report it (test/fixtures/recorded/README.md, "Sessions"):
 * - browser: `init: true, status: ok` at page load; after an uncaught error `status: unhandled`
 *   (Pulse stores it as errored); a browser session never exits;
 * - Node process: one session per process; a clean process sends a single `exited` update with
 *   `init: true`; a handled error first sends `ok, errors: 1` and then `exited` (still errors: 1);
 *   a crash sends `ok` then `crashed`;
 * - Node request mode (an instrumented HTTP server): `sessions` aggregates, per-minute buckets.
 * Each `session` item is one event; a story's later updates are sent later, in their own envelopes.
 */
export type SessionStatus = 'ok' | 'exited' | 'crashed' | 'abnormal' | 'unhandled';

export interface SessionUpdatePlan {
  status: SessionStatus;
  errors: number;
}

export interface SessionStory {
  client: ClientContext;
  kind: ClientKind;
  sid: string;
  updates: SessionUpdatePlan[];
  /** How long before its first update the session started. */
  startOffsetMs: number;
  /** Set when the first update is built. */
  startedMs?: number;
}

/** Shares among new sessions: browser 60%, Node request aggregates 10%, Node process sessions the rest. */
const BROWSER_SHARE = 0.6;
const AGGREGATES_SHARE = 0.1;
/** At errorFactor 1 (the canary multiplies them): */
const BROWSER_UNHANDLED_RATE = 0.08;
const NODE_CRASH_RATE = 0.02;
const NODE_ERRORED_RATE = 0.08;
const NODE_ABNORMAL_RATE = 0.005;

export type SessionDraw = { aggregates: true; client: ClientContext } | { aggregates: false; story: SessionStory };

export function drawSession(ctx: BuildContext): SessionDraw {
  const { random } = ctx;
  const client = ctx.clients.draw(random);
  const roll = random.next();
  if (roll >= 1 - AGGREGATES_SHARE) return { aggregates: true, client };
  const errorFactor = client.release.errorFactor;
  const sid = ctx.ids.hex(32);
  if (roll < BROWSER_SHARE) {
    const unhandled = random.chance(BROWSER_UNHANDLED_RATE * errorFactor);
    const updates: SessionUpdatePlan[] = [{ status: 'ok', errors: 0 }, ...(unhandled ? [{ status: 'unhandled' as const, errors: 1 }] : [])];
    return { aggregates: false, story: { client, kind: 'browser', sid, updates, startOffsetMs: random.logNormal(150, 0.5) } };
  }
  const outcome = random.next();
  const crash = NODE_CRASH_RATE * errorFactor;
  const errored = crash + NODE_ERRORED_RATE * errorFactor;
  const abnormal = errored + NODE_ABNORMAL_RATE;
  let updates: SessionUpdatePlan[];
  if (outcome < crash) updates = [{ status: 'ok', errors: 0 }, { status: 'crashed', errors: 1 }];
  else if (outcome < errored) updates = [{ status: 'ok', errors: 1 }, { status: 'exited', errors: 1 }];
  else if (outcome < abnormal) updates = [{ status: 'ok', errors: 0 }, { status: 'abnormal', errors: 0 }];
  else updates = [{ status: 'exited', errors: 0 }];
  // A single `exited` update covers a whole process life (minutes); a first `ok` comes soon after start.
  const startOffsetMs = updates.length === 1 ? random.logNormal(10 * 60_000, 1) : random.logNormal(2_000, 0.8);
  return { aggregates: false, story: { client, kind: 'node', sid, updates, startOffsetMs } };
}

function header(kind: ClientKind, nowMs: number): Record<string, unknown> {
  return { sent_at: toIso(nowMs), sdk: { name: SDK_NAMES[kind], version: SDK_VERSION } };
}

/** Update `index` of a story, sent at `nowMs`. */
export function sessionUpdateEnvelope(story: SessionStory, index: number, nowMs: number): BuiltEnvelope {
  story.startedMs ??= nowMs - story.startOffsetMs;
  const update = story.updates[index];
  const { client } = story;
  const browser = story.kind === 'browser';
  const payload = {
    sid: story.sid,
    init: index === 0,
    started: toIso(story.startedMs),
    timestamp: toIso(nowMs),
    status: update.status,
    errors: update.errors,
    ...(browser && client.user && { did: client.user.id }),
    ...(!browser && { duration: Math.round(nowMs - story.startedMs) / 1000 }),
    attrs: {
      release: client.release.name,
      environment: client.environment,
      ...(browser && { ip_address: '{{auto}}', user_agent: client.browser.userAgent }),
    },
  };
  return {
    body: serializeEnvelope(header(story.kind, nowMs), { type: 'session' }, payload),
    client: story.kind,
    sdkVersion: SDK_VERSION,
    userAgent: browser ? client.browser.userAgent : `${SDK_NAMES.node}/${SDK_VERSION}`,
    traceIds: [],
    expected: { ...noRecords(), sessions: 1 },
  };
}

/** One `sessions` item: the last minute's request sessions of one Node server process. */
export function sessionAggregatesEnvelope(client: ClientContext, ctx: BuildContext): BuiltEnvelope {
  const { random } = ctx;
  const errorFactor = client.release.errorFactor;
  const minuteMs = Math.floor((ctx.nowMs - 60_000) / 60_000) * 60_000;
  const bucket = {
    started: toIso(minuteMs),
    exited: random.int(5, 60),
    errored: random.chance(0.3 * errorFactor) ? random.int(1, 3) : 0,
    crashed: random.chance(0.05 * errorFactor) ? 1 : 0,
  };
  const payload = { aggregates: [bucket], attrs: { release: client.release.name, environment: client.environment } };
  const nonZero = [bucket.exited, bucket.errored, bucket.crashed].filter((count) => count > 0).length;
  return {
    body: serializeEnvelope(header('node', ctx.nowMs), { type: 'sessions' }, payload),
    client: 'node',
    sdkVersion: SDK_VERSION,
    userAgent: `${SDK_NAMES.node}/${SDK_VERSION}`,
    traceIds: [],
    expected: { ...noRecords(), sessions: nonZero },
  };
}
