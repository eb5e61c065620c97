import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { exceedsJsonDepth, tooDeepReason } from './json-depth';

export type PayloadResult<T> = { ok: true; value: T } | { ok: false; detail: string; causes: string[] };

/**
 * Parses a JSON payload and validates it against a DTO class. Bad input is a result value, not an
 * exception: the caller decides the HTTP status (or the dead-letter reason).
 */
export function parseJsonPayload<T extends object>(dto: ClassConstructor<T>, body: Buffer | string, what: string): PayloadResult<T> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (exceedsJsonDepth(bytes)) return { ok: false, detail: `invalid ${what}: ${tooDeepReason()}`, causes: [] };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, detail: `invalid ${what}: not valid JSON`, causes: [(err as Error).message] };
  }
  return validatePayload(dto, json, what);
}

export function validatePayload<T extends object>(dto: ClassConstructor<T>, json: unknown, what: string): PayloadResult<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, detail: `invalid ${what}: expected a JSON object`, causes: [] };
  }
  let instance: T;
  try {
    instance = plainToInstance(dto, json);
  } catch (error) {
    return cannotValidate(what, error);
  }
  return check(instance, what);
}

/**
 * For DTOs without nested `@Type` properties (span v2 batches and spans: the hot path): a shallow
 * instance validates the same as `plainToInstance`, which would deep-copy every attribute object
 * only to throw the copy away (it was a fifth of ingest's CPU time under load).
 */
export function validateFlatPayload<T extends object>(dto: ClassConstructor<T>, json: unknown, what: string): PayloadResult<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, detail: `invalid ${what}: expected a JSON object`, causes: [] };
  }
  return check(Object.assign(Object.create(dto.prototype) as T, json), what);
}

function check<T extends object>(value: T, what: string): PayloadResult<T> {
  let errors: ValidationError[];
  try {
    errors = validateSync(value, { forbidUnknownValues: false });
  } catch (error) {
    return cannotValidate(what, error);
  }
  const causes = describe(errors);
  if (causes.length > 0) return { ok: false, detail: `invalid ${what}: ${causes[0]}`, causes };
  return { ok: true, value };
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => (message.startsWith(path) ? message : `${path}: ${message}`));
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * class-transformer and class-validator recurse into nested values and may throw (a RangeError
 * past the stack): that makes the payload invalid, never the request a 500.
 */
function cannotValidate<T>(what: string, error: unknown): PayloadResult<T> {
  const name = error instanceof Error ? error.name : typeof error;
  return { ok: false, detail: `invalid ${what}: it could not be validated (${name})`, causes: [] };
}
