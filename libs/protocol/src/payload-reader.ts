/**
 * The building blocks of the item readers (transaction-event.ts, error-event.ts, span-v2.ts,
 * session.ts): hand-written checks that look at each field Pulse reads once, with `typeof` and
 * precompiled patterns, and hand back the parsed JSON itself, typed. Nothing is copied or
 * instantiated, and no decorator metadata is looked up per call: class-validator and
 * class-transformer cost a fifth of ingest's CPU on this path (docs/ingest.md, "Hot path").
 *
 * A reader stops at the first problem and names its field by path
 * (`contexts.trace.trace_id must be 32 hex characters`). Unknown fields are allowed and ignored:
 * SDKs add fields between versions. A field Pulse does not read is never walked, so no nesting
 * (the depth bound applies to the bytes before JSON.parse anyway) can make a reader recurse.
 */
export type PayloadResult<T> = { ok: true; value: T } | { ok: false; detail: string; causes: string[] };

/** What a check returns: undefined when the value is fine, else the problem, naming the field. */
export type Problem = string | undefined;

/** A JSON object (not an array, not null) whose fields can be read. */
export type JsonObject = Record<string, unknown>;

export const HEX16 = /^[0-9a-fA-F]{16}$/;
export const HEX32 = /^[0-9a-fA-F]{32}$/;
export const HEX32_OR_UUID = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Optional fields may be missing or null (class-validator's `@IsOptional`, which the SDKs rely on). */
export const isAbsent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** Float seconds since the epoch or a string `Date.parse` reads (RFC 3339 in practice). */
export const isTimestamp = (value: unknown): value is number | string =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

/** A finite number of seconds since the epoch, not negative (streamed spans: no strings). */
export const isEpochSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

export const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/**
 * `message` for the field at `path`: as is when it already starts with the path
 * (`contexts.trace.span_id must be 16 hex characters`), else after it (`sdk.name: name must be a string`).
 */
export function at(path: string, message: string): string {
  return message.startsWith(path) ? message : `${path}: ${message}`;
}

/** `path` of the last segment: the name the messages use for a nested field (`name` of `sdk.name`). */
function leaf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? path : path.slice(dot + 1);
}

/** An optional string. */
export function optionalString(value: unknown, path: string): Problem {
  return isAbsent(value) || typeof value === 'string' ? undefined : at(path, `${leaf(path)} must be a string`);
}

/** An optional string of at most `max` characters (longer ones are cut during normalization; this bounds the input). */
export function optionalBoundedString(value: unknown, path: string, max: number): Problem {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') return at(path, `${leaf(path)} must be a string`);
  return value.length > max ? at(path, `${leaf(path)} must be shorter than or equal to ${max} characters`) : undefined;
}

export function optionalBoolean(value: unknown, path: string): Problem {
  return isAbsent(value) || typeof value === 'boolean' ? undefined : at(path, `${leaf(path)} must be a boolean`);
}

/** An optional object (not an array). */
export function optionalObject(value: unknown, path: string): Problem {
  return isAbsent(value) || isObject(value) ? undefined : at(path, `${leaf(path)} must be an object`);
}

/** An optional object or list (tags: Sentry accepts an object or a list of [key, value] pairs). */
export function optionalObjectOrArray(value: unknown, path: string): Problem {
  return isAbsent(value) || typeof value === 'object' ? undefined : at(path, `${leaf(path)} must be an object`);
}

/** An optional string or number (user ids, session dids: some SDKs send numbers). */
export function optionalStringOrNumber(value: unknown, path: string): Problem {
  return isAbsent(value) || typeof value === 'string' || typeof value === 'number' ? undefined : at(path, `${leaf(path)} must be a string`);
}

/** A value matching `pattern` (a non-string never does), required or optional. */
export function matches(value: unknown, pattern: RegExp, optional: boolean, message: string): Problem {
  if (optional && isAbsent(value)) return undefined;
  return typeof value === 'string' && pattern.test(value) ? undefined : message;
}

/** Span ids (16 hex), trace ids (32 hex), event and session ids (32 hex or a dashed UUID). */
export const hex16 = (value: unknown, path: string, optional = false): Problem => matches(value, HEX16, optional, `${path} must be 16 hex characters`);
export const hex32 = (value: unknown, path: string, optional = false): Problem => matches(value, HEX32, optional, `${path} must be 32 hex characters`);
export const hex32OrUuid = (value: unknown, path: string, optional = false): Problem =>
  matches(value, HEX32_OR_UUID, optional, `${path} must be 32 hex characters or a UUID`);

/** A timestamp ({@link isTimestamp}); `message` is the whole message, as the item types word it differently. */
export function timestamp(value: unknown, optional: boolean, message: string): Problem {
  return (optional && isAbsent(value)) || isTimestamp(value) ? undefined : message;
}

/**
 * A nested object field, read the way class-validator's `@ValidateNested` read it: absent, an
 * object checked by `check`, or a list, which is accepted with nothing read from it (PHP SDKs
 * send an empty `[]` for an empty object; reading a field of a list gives undefined, as absent).
 */
export function nestedProblem(value: unknown, path: string, check: (value: JsonObject) => Problem): Problem {
  if (isAbsent(value) || Array.isArray(value)) return undefined;
  return isObject(value) ? check(value) : `${path} must be an object`;
}

/**
 * Runs `check` on `json` when it is an object, and hands back the same object typed as `T` when
 * the check finds nothing: `invalid <what>: <problem>` otherwise.
 */
export function readPayload<T>(json: unknown, what: string, check: (value: JsonObject) => Problem): PayloadResult<T> {
  if (!isObject(json)) return { ok: false, detail: `invalid ${what}: expected a JSON object`, causes: [] };
  const problem = check(json);
  if (problem !== undefined) return { ok: false, detail: `invalid ${what}: ${problem}`, causes: [problem] };
  return { ok: true, value: json as T };
}

/**
 * The first problem of the elements of `list`, each an object checked by `check`, which words its
 * problem relative to the element (`lineno must be an integer number`); `<path>.<index>.` is put
 * in front only when there is one, so valid input builds no path strings.
 */
export function eachObject(list: readonly unknown[], path: string, check: (value: JsonObject) => Problem): Problem {
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    // A list as an element is accepted and not read, as by @ValidateNested({ each: true }).
    if (Array.isArray(element)) continue;
    if (!isObject(element)) return `${path}.${i} must be an object`;
    const problem = check(element);
    if (problem !== undefined) return `${path}.${i}.${problem}`;
  }
  return undefined;
}
