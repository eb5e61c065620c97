import { emptyRecordCounts, RECORD_KINDS, RecordCounts } from '@pulse/model';

/**
 * Envelope bodies as the JS SDKs 11.x write them (test/fixtures/recorded/README.md): one item per
 * envelope, no `length` in item headers, no trailing newline; a dynamic sampling context (`trace`)
 * in the envelope header of events and span batches, with its values as strings.
 */
export type ClientKind = 'browser' | 'node';

export const SDK_VERSION = '11.12.0';
export const SDK_NAMES: Readonly<Record<ClientKind, string>> = { browser: 'sentry.javascript.browser', node: 'sentry.javascript.node' };
export const SPAN_V2_CONTENT_TYPE = 'application/vnd.sentry.items.span.v2+json';

/** The records Pulse stores for an envelope when it accepts every item (what the unit tests check), per kind. */
export type ExpectedRecords = RecordCounts;

export function noRecords(): ExpectedRecords {
  return emptyRecordCounts();
}

export function addRecords(into: ExpectedRecords, more: ExpectedRecords): void {
  for (const kind of RECORD_KINDS) into[kind] += more[kind];
}

/** One envelope ready to send. */
export interface BuiltEnvelope {
  body: string;
  /** Which SDK sends it: decides the transport headers (see http-transport.ts). */
  client: ClientKind;
  sdkVersion: string;
  /** The browser's User-Agent for browser SDKs; the SDK's own for Node. */
  userAgent: string;
  /** Trace ids of the transactions and errors inside (freshness probes can look them up). */
  traceIds: string[];
  expected: ExpectedRecords;
}

export interface DynamicSamplingContextFields {
  traceId: string;
  publicKey: string;
  release: string;
  environment: string;
  /** Only for names that are not URL-sourced: the SDK leaves URLs out of the DSC. */
  transaction?: string;
  sampleRand: number;
}

/** The envelope header's `trace`: `sampled`, `sample_rate` and `sample_rand` are strings, as the JS SDK writes them. */
export function dynamicSamplingContext(fields: DynamicSamplingContextFields): Record<string, string> {
  return {
    environment: fields.environment,
    release: fields.release,
    public_key: fields.publicKey,
    trace_id: fields.traceId,
    ...(fields.transaction !== undefined && { transaction: fields.transaction }),
    sampled: 'true',
    sample_rand: String(fields.sampleRand),
    sample_rate: '1',
  };
}

export function serializeEnvelope(header: object, itemHeader: object, payload: object): string {
  return `${JSON.stringify(header)}\n${JSON.stringify(itemHeader)}\n${JSON.stringify(payload)}`;
}

export function spanItemHeader(count: number): Record<string, unknown> {
  return { type: 'span', item_count: count, content_type: SPAN_V2_CONTENT_TYPE };
}

export type AttributeValue = string | number | boolean | string[];
export type TypedAttributes = Record<string, { value: AttributeValue; type: string }>;

/** `{key: value}` → the SDK's typed attributes; the type follows the JS value (380 → integer, 96.3 → double). */
export function typedAttributes(attributes: Record<string, AttributeValue | undefined>): TypedAttributes {
  const typed: TypedAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const type = Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'double') : typeof value;
    typed[key] = { value, type };
  }
  return typed;
}

/** Epoch milliseconds → the SDK's float seconds (microsecond precision, as performance timers give). */
export function toSeconds(ms: number): number {
  return Math.round(ms * 1000) / 1_000_000;
}

export function toIso(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** Rounds a measured duration as `performance.now()` differences look: a few decimals, not 17. */
export function roundMs(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
