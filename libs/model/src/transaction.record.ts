import type { SpanFields } from './span-fields';

/**
 * The canonical Pulse transaction: one finished root span of a trace, whichever SDK generation
 * sent it. Times are epoch milliseconds (UTC); strings are already truncated to their limits.
 */
export interface TransactionRecord extends SpanFields {
  /** 32 lower-case hex characters. */
  eventId: string;
  name: string;
  /** How the name was derived: custom, url, route, view, component, task, unknown. */
  source: string;
  dist: string;
  platform: string;
  sdkName: string;
  sdkVersion: string;
  userId: string;
  httpMethod: string;
  /** HTTP response status of a server transaction; 0 when unknown. */
  httpStatusCode: number;
  browserName: string;
  osName: string;
  tags: Record<string, string>;
  /** Measurement name → value, in the unit the SDK gave (Web Vitals: milliseconds; CLS: score). */
  measurements: Record<string, number>;
}
