import type { LoadProgress, LoadSummary } from '@pulse/loadgen';

/** What the end-to-end benchmark asks its load generator process to do (JSON in argv[2]). */
export interface LoadgenChildOptions {
  dsns: string[];
  /** Events/s, open loop. */
  rate: number;
  durationS: number;
  concurrency: number;
  seed: number;
  idSeed: number;
  /** Share of accepted transaction envelopes (server and pageload) reported as freshness samples, in %. */
  samplePercent: number;
  /** Events per pageload or server content (runLoad's `reuse`); the generator's default when left out. */
  reuse?: number;
}

/** A transaction whose envelope was answered 2xx: poll the query API for its trace. */
export interface SampleMessage {
  type: 'sample';
  traceId: string;
  projectId: number;
  sentAtMs: number;
}

export type LoadgenMessage =
  | SampleMessage
  /** Sent just before the first envelope: the phase's clock starts here. */
  | { type: 'started'; atMs: number }
  | { type: 'progress'; progress: LoadProgress } | { type: 'summary'; summary: LoadSummary };
