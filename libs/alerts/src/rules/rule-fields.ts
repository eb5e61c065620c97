/**
 * The field reader the rule validators are written with. A rule arrives as untrusted JSON (the API,
 * a provisioning file), and the person who wrote it needs every problem at once, each naming its
 * field path (`trigger.windowSeconds must be an integer from 60 to 86400`), not the first one only.
 * A Fields reads one JSON object at one path: each read checks the field's kind and range, records
 * a problem and returns undefined when it is wrong, and remembers the field as known, so that
 * `rejectUnknown` can name every field nobody read (a typo must not be silently ignored).
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Fields {
  private readonly read = new Set<string>();

  constructor(
    readonly value: JsonObject,
    /** `trigger.`, `actions[0].`, or '' at the top. */
    private readonly prefix: string,
    readonly problems: string[],
  ) {}

  /** The path of a field of this object, as problems name it. */
  path(name: string): string {
    return `${this.prefix}${name}`;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  has(name: string): boolean {
    this.read.add(name);
    return this.value[name] !== undefined;
  }

  raw(name: string): unknown {
    this.read.add(name);
    return this.value[name];
  }

  /** Problems for every field not read; `what` names the object (`an event_frequency trigger`). */
  rejectUnknown(what: string): void {
    const known = [...this.read];
    for (const name of Object.keys(this.value)) {
      if (!this.read.has(name)) this.problem(`${this.path(name)} is not a field of ${what} (known: ${known.join(', ')})`);
    }
  }

  /** A non-blank string of at most maxLength characters; a problem when absent only if `required`. */
  string(name: string, { maxLength, required = false }: { maxLength: number; required?: boolean }): string | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problem(`${this.path(name)} is required`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
      this.problem(`${this.path(name)} must be a non-blank string of at most ${maxLength} characters`);
      return undefined;
    }
    return value;
  }

  /** An integer in [min, max]; `fallback` when absent (undefined: required). */
  integer(name: string, min: number, max: number, fallback?: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (fallback === undefined) this.problem(`${this.path(name)} is required (an integer from ${min} to ${max})`);
      return fallback;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(`${this.path(name)} must be an integer from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  /**
   * A finite number; `range` bounds it (inclusive unless `exclusive`), `describe` words the range
   * in the problem (`a fraction from 0 to 1`). `fallback` when absent (undefined: required).
   */
  number(name: string, range: { min?: number; max?: number; exclusive?: boolean; describe?: string } = {}, fallback?: number): number | undefined {
    const value = this.raw(name);
    const expected = range.describe ?? 'a finite number';
    if (value === undefined) {
      if (fallback === undefined) this.problem(`${this.path(name)} is required (${expected})`);
      return fallback;
    }
    const { min, max, exclusive = false } = range;
    const below = (v: number) => min !== undefined && (exclusive ? v <= min : v < min);
    const above = (v: number) => max !== undefined && (exclusive ? v >= max : v > max);
    if (typeof value !== 'number' || !Number.isFinite(value) || below(value) || above(value)) {
      this.problem(`${this.path(name)} must be ${expected}`);
      return undefined;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(`${this.path(name)} must be true or false`);
      return undefined;
    }
    return value;
  }

  /** One of `values`; `fallback` when absent (undefined with `required`: a problem). */
  oneOf<T extends string>(name: string, values: readonly T[], { required = false }: { required?: boolean } = {}): T | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problem(`${this.path(name)} is required (one of ${values.join(', ')})`);
      return undefined;
    }
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.problem(`${this.path(name)} must be one of ${values.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  /** A nested object's Fields; undefined (and a problem unless it is optional and absent) otherwise. */
  object(name: string, { required = false }: { required?: boolean } = {}): Fields | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problem(`${this.path(name)} is required (an object)`);
      return undefined;
    }
    if (!isJsonObject(value)) {
      this.problem(`${this.path(name)} must be an object`);
      return undefined;
    }
    return new Fields(value, `${this.path(name)}.`, this.problems);
  }

  /** An array of minItems..maxItems elements; undefined (and a problem) otherwise. */
  array(name: string, minItems: number, maxItems: number, { required = false }: { required?: boolean } = {}): unknown[] | undefined {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problem(`${this.path(name)} is required (a list of ${minItems} to ${maxItems})`);
      return undefined;
    }
    if (!Array.isArray(value) || value.length < minItems || value.length > maxItems) {
      this.problem(`${this.path(name)} must be a list of ${minItems} to ${maxItems} entries`);
      return undefined;
    }
    return value;
  }

  /** The Fields of element `index` of the array field `name`, or a problem when it is no object. */
  element(name: string, index: number, element: unknown): Fields | undefined {
    if (!isJsonObject(element)) {
      this.problem(`${this.path(name)}[${index}] must be an object`);
      return undefined;
    }
    return new Fields(element, `${this.path(name)}[${index}].`, this.problems);
  }
}

/** Copies the entries whose value is not undefined: an optional field left out stays out of the stored JSON. */
export function definedEntries<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
