import { JsonObject, nestedProblem, optionalObject, optionalObjectOrArray, optionalString, optionalStringOrNumber, Problem } from './payload-reader';

/**
 * What error and transaction events share: the SDK, user and tags fields, and their check.
 * Unknown levels, platforms and so on are strings here: normalization decides what they mean.
 * A nested object may arrive as a list (PHP SDKs' empty `[]`): it is accepted and nothing is read
 * from it ({@link nestedProblem}); the types below leave that case out.
 */
export interface SdkInfo {
  name?: string | null;
  version?: string | null;
}

export interface EventUser {
  id?: string | number | null;
  email?: string | null;
  username?: string | null;
  ip_address?: string | null;
}

/** Sentry accepts tags as an object or a list of [key, value] pairs. */
export type EventTags = Record<string, unknown> | Array<[string, unknown]>;

/** The contexts naming the event's client (normalization falls back to the User-Agent header). */
export interface ClientContexts {
  browser?: { name?: unknown; version?: unknown } | null;
  os?: { name?: unknown; version?: unknown } | null;
}

export interface EventCommon {
  platform?: string | null;
  release?: string | null;
  environment?: string | null;
  dist?: string | null;
  sdk?: SdkInfo | null;
  user?: EventUser | null;
  tags?: EventTags | null;
}

/** The first problem of the shared fields of `event`, if any. */
export function eventCommonProblem(event: JsonObject): Problem {
  return (
    optionalString(event.platform, 'platform') ??
    optionalString(event.release, 'release') ??
    optionalString(event.environment, 'environment') ??
    optionalString(event.dist, 'dist') ??
    sdkProblem(event.sdk) ??
    userProblem(event.user) ??
    optionalObjectOrArray(event.tags, 'tags')
  );
}

/** The first problem of the client contexts of an event's `contexts`, if any. */
export function clientContextsProblem(contexts: JsonObject): Problem {
  return optionalObject(contexts.browser, 'contexts.browser') ?? optionalObject(contexts.os, 'contexts.os');
}

function sdkProblem(sdk: unknown): Problem {
  return nestedProblem(sdk, 'sdk', (value) => optionalString(value.name, 'sdk.name') ?? optionalString(value.version, 'sdk.version'));
}

function userProblem(user: unknown): Problem {
  return nestedProblem(user, 'user', userFieldsProblem);
}

function userFieldsProblem(user: JsonObject): Problem {
  return (
    optionalStringOrNumber(user.id, 'user.id') ??
    optionalString(user.email, 'user.email') ??
    optionalString(user.username, 'user.username') ??
    optionalString(user.ip_address, 'user.ip_address')
  );
}
