import { ERROR_GROUPS, ErrorGroupProfile, ErrorPlatform, LONG_TAIL, StackFrame } from '../catalog/error-groups';
import { SHOP_ORIGIN } from '../catalog/pages';
import { SERVER_NAMES } from '../catalog/routes';
import type { ClientContext } from '../clients';
import { BuiltEnvelope, ClientKind, noRecords, SDK_NAMES, SDK_VERSION, serializeEnvelope, toSeconds } from '../envelope';
import type { SeededRandom } from '../random';
import { BuildContext, sentAtTags, traceEnvelopeHeader } from './build-context';

/** Share of error events that are one-offs (each its own group); the rest repeat the recurring groups. */
export const LONG_TAIL_SHARE = 0.15;

/** One error event, independent of its serialization. */
export interface ErrorEventModel {
  client: ClientContext;
  /** The recurring group's label; undefined for a long-tail one-off. */
  group: string | undefined;
  platform: ErrorPlatform;
  type: string | undefined;
  value: string;
  level: ErrorGroupProfile['level'];
  handled: boolean;
  mechanism: string;
  transaction: string;
  frames: readonly StackFrame[];
  traceId: string;
  spanId: string;
  timestampMs: number;
}

/**
 * An error event: its release drawn in proportion to traffic × errorFactor (the canary errs 3× as
 * often per request), then a recurring group (weighted; the canary-only regression only on the
 * canary) or, 15% of the time, a long-tail one-off.
 */
export function drawErrorEvent(ctx: BuildContext): ErrorEventModel {
  const { random, ids } = ctx;
  const client = ctx.clients.draw(random, { errorWeighted: true });
  const recurring = !random.chance(LONG_TAIL_SHARE);
  const profile = recurring
    ? random.weighted(ERROR_GROUPS.filter((group) => !group.canaryOnly || client.release.canary), (group) => group.share)
    : longTailError(random);
  return {
    client,
    group: recurring ? profile.label : undefined,
    platform: profile.platform,
    type: profile.type,
    value: profile.value(random),
    level: profile.level,
    handled: profile.handled,
    mechanism: profile.mechanism,
    transaction: profile.transaction,
    frames: profile.frames,
    traceId: ids.hex(32),
    spanId: ids.hex(16),
    timestampMs: ctx.nowMs - random.next() * 100,
  };
}

/** A one-off: type, file and functions drawn from the long-tail parts (see LONG_TAIL). */
function longTailError(random: SeededRandom): ErrorGroupProfile {
  const platform: ErrorPlatform = random.chance(0.5) ? 'node' : 'browser';
  const module = random.pick(LONG_TAIL.modules);
  const fn = () => `${random.pick(LONG_TAIL.verbs)}${random.pick(LONG_TAIL.nouns)}`;
  const service = `${random.pick(LONG_TAIL.nouns)}Service`;
  const frames: StackFrame[] =
    platform === 'node'
      ? [
          { filename: `/app/dist/${module}/${module}.controller.js`, module: `${module}:${module}.controller`, function: `${service}.${fn()}`, lineno: random.int(10, 300), colno: random.int(5, 60), in_app: true },
          { filename: `/app/dist/${module}/${module}.service.js`, module: `${module}:${module}.service`, function: `${service}.${fn()}`, lineno: random.int(10, 300), colno: random.int(5, 60), in_app: true },
        ]
      : [
          { filename: `${SHOP_ORIGIN}/assets/index-BXk2aQ9f.js`, function: fn(), lineno: random.int(1, 60), colno: random.int(100, 40_000), in_app: true },
          { filename: `${SHOP_ORIGIN}/assets/${module}-Dq83kLp1.js`, function: fn(), lineno: random.int(1, 60), colno: random.int(100, 40_000), in_app: true },
        ];
  return {
    label: 'long-tail',
    platform,
    share: 0,
    type: random.pick(LONG_TAIL.types),
    value: () => `${random.pick(LONG_TAIL.messages)} in ${module}`,
    level: 'error',
    handled: random.chance(0.7),
    mechanism: 'generic',
    transaction: platform === 'node' ? `GET /api/${module}` : `/${module}`,
    frames,
  };
}

const pagePath = (transaction: string, random: SeededRandom): string => transaction.replace(/:id\b/g, () => String(random.int(1, 5000)));

export function errorEnvelope(model: ErrorEventModel, ctx: BuildContext): BuiltEnvelope {
  const { client } = model;
  const kind: ClientKind = model.platform === 'node' ? 'node' : 'browser';
  const eventId = ctx.ids.hex(32);
  const exception = {
    ...(model.type !== undefined && { type: model.type }),
    value: model.value,
    stacktrace: { frames: model.frames },
    mechanism: { type: model.mechanism, handled: model.handled, ...(model.type === undefined && { synthetic: true }) },
  };
  const event = {
    event_id: eventId,
    level: model.level,
    platform: kind === 'node' ? 'node' : 'javascript',
    timestamp: toSeconds(model.timestampMs),
    ...(kind === 'node' && { server_name: ctx.random.pick(SERVER_NAMES) }),
    release: client.release.name,
    environment: client.environment,
    transaction: model.transaction,
    // captureMessage: `message` beside a synthetic, type-less exception, as @sentry/node 11 sends it.
    ...(model.type === undefined && { message: model.value }),
    exception: { values: [exception] },
    ...(kind === 'browser' && { request: { url: `${SHOP_ORIGIN}${pagePath(model.transaction, ctx.random)}`, headers: { 'User-Agent': client.browser.userAgent } } }),
    contexts: {
      trace: { trace_id: model.traceId, span_id: model.spanId },
      ...(kind === 'node' && { runtime: { name: 'node', version: 'v20.20.2' }, os: { name: 'Linux' } }),
    },
    ...(client.user && { user: { id: client.user.id, email: client.user.email } }),
    tags: sentAtTags(ctx),
    sdk: { name: SDK_NAMES[kind], version: SDK_VERSION },
  };
  const header = traceEnvelopeHeader(ctx, SDK_NAMES[kind], SDK_VERSION, model.traceId, client, kind === 'node' ? model.transaction : undefined, eventId);
  return {
    body: serializeEnvelope(header, { type: 'event' }, event),
    client: kind,
    sdkVersion: SDK_VERSION,
    userAgent: kind === 'node' ? `${SDK_NAMES.node}/${SDK_VERSION}` : client.browser.userAgent,
    traceIds: [model.traceId],
    expected: { ...noRecords(), errors: 1 },
  };
}
