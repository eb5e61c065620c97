import type { ErrorRecord } from '@pulse/model';

let sequence = 0;

/**
 * A complete, valid error record for the issue processor's specs: a new event id and a timestamp
 * one millisecond later on each call (received when it happened), project 1, one fingerprint.
 */
export function errorRecord(overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  sequence++;
  const atMs = Date.UTC(2026, 11, 1, 12) + sequence;
  return {
    projectId: 1,
    eventId: `e${sequence}`.padEnd(32, '0'),
    timestampMs: atMs,
    level: 'error',
    platform: 'node',
    title: 'TypeError: x is undefined',
    message: 'x is undefined',
    culprit: 'app/handler',
    fingerprint: 'a'.repeat(32),
    groupingConfig: 'pulse:2026-06',
    secondaryFingerprint: '',
    handled: true,
    exceptions: [],
    transaction: '',
    traceId: '',
    spanId: '',
    release: '',
    environment: 'production',
    dist: '',
    userId: '',
    browserName: '',
    osName: '',
    sdkName: 'sentry.javascript.node',
    sdkVersion: '8.0.0',
    tags: {},
    eventJson: '',
    receivedAtMs: atMs,
    ...overrides,
  };
}
