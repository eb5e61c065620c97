import type { ErrorRecord, WebVitalName } from '@pulse/model';
import type { Weighted } from './record-draws';

/**
 * What a generated data set looks like: the value tables and shares chunkGenerator draws from. The
 * bench's production-like shape is scripts/bench/dataset-shape.ts; a shape is data only, so two
 * runs with the same shape and seed store the same rows.
 */
export interface DatasetShape {
  projects: number[];
  /** A release every `releaseEveryMs`; the newest reaches 90 % of traffic over `releaseRampMs`, old clients keep the rest. */
  releases: string[];
  releaseEveryMs: number;
  releaseRampMs: number;
  /** Duration factor of the newest release (a regression a canary check should show). */
  newestReleaseSlowdown: number;
  environments: Weighted<string>[];
  /** Transaction names with their share of traffic and median duration (ms); durations are log-normal around it. */
  transactionNames: Array<{ name: string; weight: number; medianMs: number; op: string; method: string }>;
  durationSigma: number;
  statuses: Weighted<{ status: string; httpStatusCode: number }>[];
  browsers: Weighted<string>[];
  operatingSystems: string[];
  regions: string[];
  /** Users per project, and the share of events that carry none. */
  users: number;
  anonymousShare: number;
  pages: string[];
  vitals: WebVitalName[];
  vitalMedians: Record<WebVitalName, number>;
  spanOps: Array<{ op: string; description: string; medianMs: number }>;
  /** Error groups; group g has weight 1 / (g + 1), so a few groups hold most events. */
  errorGroups: number;
  errorLevels: ErrorRecord['level'][];
  /** Per transaction: how many records of the other kinds come with it (means). */
  perTransaction: {
    /** 0 … maxSpans child spans, uniformly. */
    maxSpans: number;
    errorShare: number;
    /** Share of errors that belong to the transaction's trace (the rest have no trace). */
    errorInTraceShare: number;
    webVitalShare: number;
    /** A session starts with this share of transactions and sends 1–3 updates. */
    sessionShare: number;
  };
}
