export interface StackFrame {
  filename: string;
  absPath: string;
  function: string;
  module: string;
  lineno: number | null;
  colno: number | null;
  inApp: boolean;
  contextLine: string;
}

export interface ExceptionRecord {
  type: string;
  value: string;
  mechanism: string;
  handled: boolean;
  /** Oldest first; the last frame raised. */
  frames: StackFrame[];
}

/** An error event (`event` item or a store request without `type: transaction`). */
export interface ErrorRecord {
  projectId: number;
  eventId: string;
  timestampMs: number;
  level: 'fatal' | 'error' | 'warning' | 'info' | 'debug';
  platform: string;
  /** Short title as lists show it: `TypeError: x is undefined`, or the message. */
  title: string;
  message: string;
  /** Where it happened: the transaction, else the in-app function/module of the raising frame. */
  culprit: string;
  /** Grouping hash (32 hex) under `groupingConfig`. */
  fingerprint: string;
  /** The grouping config `fingerprint` was computed with (docs/issues.md, "Grouping"). */
  groupingConfig: string;
  /**
   * The hash under the previous grouping config when it differs from `fingerprint`, else '': the
   * issue processor links it to the issue that hash already has, so a config change never splits an issue.
   */
  secondaryFingerprint: string;
  /** False when any exception in the chain was unhandled. */
  handled: boolean;
  /** The chain, outermost last (Sentry's order). */
  exceptions: ExceptionRecord[];
  transaction: string;
  traceId: string;
  spanId: string;
  release: string;
  environment: string;
  dist: string;
  userId: string;
  browserName: string;
  osName: string;
  sdkName: string;
  sdkVersion: string;
  tags: Record<string, string>;
  /**
   * The event as the SDK sent it (JSON text), within EVENT_JSON_LIMITS (event-json.ts): what the issue detail
   * shows beyond the modelled fields (breadcrumbs, request, contexts, frames' context lines…). ''
   * for records written before it existed.
   */
  eventJson: string;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's timestamp when the time rules moved the error to the receive time; null or absent when it was kept
   * (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
