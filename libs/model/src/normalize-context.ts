import type { EventCommon } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';

/*
 * What every normalizer is given and returns, and the fields error and transaction events share
 * (EventCommon of libs/protocol), read the same way for both records. One function per field
 * rather than one object of them all: they run per event, and each record literal takes the values
 * directly.
 */

/** The request an item came with. */
export interface NormalizeContext {
  projectId: number;
  receivedAtMs: number;
  /** Used when the event carries no event_id. */
  generateEventId: () => string;
}

export type NormalizeResult<T> = { ok: true; record: T } | { ok: false; reason: string };

/** The event's id as 32 lower-case hex (a dashed UUID is accepted), or a generated one. */
export function eventIdOf(eventId: string | null | undefined, ctx: NormalizeContext): string {
  return (eventId ?? ctx.generateEventId()).replace(/-/g, '').toLowerCase();
}

export const eventPlatformOf = (event: EventCommon): string => truncate(event.platform ?? 'other', LIMITS.shortField);

export const eventReleaseOf = (event: EventCommon): string => truncate(event.release, LIMITS.release);

export const eventEnvironmentOf = (event: EventCommon): string => truncate(event.environment ?? 'production', LIMITS.environment);

export const eventDistOf = (event: EventCommon): string => truncate(event.dist, LIMITS.dist);

export const eventSdkNameOf = (event: EventCommon): string => truncate(event.sdk?.name, LIMITS.shortField);

export const eventSdkVersionOf = (event: EventCommon): string => truncate(event.sdk?.version, LIMITS.shortField);
