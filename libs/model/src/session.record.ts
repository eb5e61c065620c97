export type SessionStatus = 'ok' | 'exited' | 'crashed' | 'abnormal' | 'errored';

/**
 * Release health. A `session` item becomes one record with quantity 1; each non-zero status
 * count of a `sessions` aggregate bucket becomes one record with that count as quantity (and
 * `sessionId` empty), so crash-free rates are sums over both kinds alike.
 */
export interface SessionRecord {
  projectId: number;
  sessionId: string;
  /** Distinct id (user) of the session; empty when unknown. */
  distinctId: string;
  status: SessionStatus;
  /** True on the first update of a session (counts it as started); aggregates are always started. */
  init: boolean;
  errors: number;
  quantity: number;
  startedMs: number;
  timestampMs: number;
  /** Seconds; null when the SDK did not say. */
  durationS: number | null;
  release: string;
  environment: string;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's `timestamp` when the time rules moved the update to the receive time
   * (`startedMs` moved with it); null or absent when it was kept
   * (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
