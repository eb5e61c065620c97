/** A bad environment variable or PULSE_CONFIG file: the app reports it as `<app>: <message>` and exits 1. */
export class ConfigError extends Error {}

/**
 * Reads variables of one environment, collecting every problem instead of stopping at the first:
 * a bad value falls back to its default while reading goes on, and throwIfInvalid names them all in
 * one ConfigError.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Undefined when unset or empty. */
  optionalString(name: string): string | undefined {
    return this.env[name] || undefined;
  }

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  /** An integer as int reads it, or `auto` for the value of `auto()`. */
  intOrAuto(name: string, auto: () => number, fallback: number, min: number, max: number): number {
    return this.env[name]?.trim() === 'auto' ? auto() : this.int(name, fallback, min, max);
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, 0, 65535);
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = items.filter((item) => !/^[^\s:]+:\d{1,5}$/.test(item));
    if (bad.length > 0) this.problems.push(`${name} must be a comma-separated list of host:port, got ${JSON.stringify(bad)}`);
    return items;
  }

  url(name: string, fallback: string): string {
    const raw = this.string(name, fallback);
    try {
      const url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return raw;
    } catch {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an http(s) URL`);
      return fallback;
    }
  }

  /**
   * A `postgres://` or `postgresql://` URL naming a host. The value is not repeated in the message:
   * it usually holds a password.
   */
  postgresUrl(name: string, fallback: string): string {
    const raw = this.string(name, fallback);
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || url.hostname === '') {
      this.problems.push(`${name} must be a postgres:// or postgresql:// URL with a host (postgres://user:password@host:5432/database)`);
      return fallback;
    }
    return raw;
  }

  matching(name: string, fallback: string, pattern: RegExp, what: string): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be ${what}`);
    return value;
  }

  /** Undefined when unset or empty. */
  optionalMatching(name: string, pattern: RegExp, what: string): string | undefined {
    const value = this.env[name];
    if (value === undefined || value === '') return undefined;
    if (!pattern.test(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be ${what}`);
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.string(name, fallback);
    if (!(allowed as readonly string[]).includes(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigError(`invalid environment: ${this.problems.join('; ')}`);
  }
}
