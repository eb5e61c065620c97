import type { OtlpAttributes } from '@pulse/protocol';

/**
 * What an OTLP resource (the process that produced the spans) says about every span and error it
 * carries, in Pulse's terms: release, environment, platform and SDK. OpenTelemetry names these in
 * its resource semantic conventions (service, deployment, telemetry SDK); the older names that SDKs
 * still send are read when the current one is absent.
 */

/** A non-empty string attribute; numbers and booleans as their text (some SDKs send codes as strings, some as ints). */
export function attributeText(attributes: OtlpAttributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first of `keys` that is a non-empty string attribute (the current convention first, then the older names). */
export function firstText(attributes: OtlpAttributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributeText(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** An integer attribute, also when sent as a decimal string. */
export function attributeInteger(attributes: OtlpAttributes, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const raw = attributes[key];
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  }
  return undefined;
}

export interface OtlpResourceFields {
  /** `service.version`; '' when absent. */
  release: string;
  /** `deployment.environment.name`, else `deployment.environment`, else `production` (as Sentry data). */
  environment: string;
  /** Sentry's platform name for `telemetry.sdk.language`. */
  platform: string;
  /** `<telemetry.sdk.name>.<telemetry.sdk.language>`, e.g. `opentelemetry.nodejs`. */
  sdkName: string;
  sdkVersion: string;
  /** `service.name`: kept on error events as a tag (the span records have no tags). */
  serviceName: string;
}

/** `telemetry.sdk.language` values (semantic conventions, resource/telemetry) → Sentry platform names. */
const PLATFORMS: Readonly<Record<string, string>> = {
  nodejs: 'node',
  webjs: 'javascript',
  python: 'python',
  java: 'java',
  go: 'go',
  dotnet: 'csharp',
  ruby: 'ruby',
  php: 'php',
  rust: 'rust',
  erlang: 'erlang',
  swift: 'swift',
  cpp: 'native',
};

export function resourceFields(attributes: OtlpAttributes): OtlpResourceFields {
  const language = attributeText(attributes, 'telemetry.sdk.language')?.toLowerCase() ?? '';
  const sdk = attributeText(attributes, 'telemetry.sdk.name') ?? '';
  return {
    release: attributeText(attributes, 'service.version') ?? '',
    environment: firstText(attributes, 'deployment.environment.name', 'deployment.environment') ?? 'production',
    platform: PLATFORMS[language] ?? 'other',
    sdkName: sdk && language ? `${sdk}.${language}` : sdk || (language ? `opentelemetry.${language}` : ''),
    sdkVersion: attributeText(attributes, 'telemetry.sdk.version') ?? '',
    serviceName: attributeText(attributes, 'service.name') ?? '',
  };
}
