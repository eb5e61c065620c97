/** The Web Vitals Pulse reports (fp is kept too: the SDKs send it and it costs nothing). */
export type WebVitalName = 'lcp' | 'fcp' | 'cls' | 'inp' | 'ttfb' | 'fid' | 'fp';

/**
 * One measured value of one vital on one page view, whichever SDK generation sent it: from a
 * pageload transaction's `measurements` or from streamed span attributes.
 */
export interface WebVitalRecord {
  projectId: number;
  vital: WebVitalName;
  /** Milliseconds, except CLS (unitless score). */
  value: number;
  /** Page (transaction name or `url.path`). */
  page: string;
  traceId: string;
  /** Span id of the pageload the sample belongs to (links a late LCP/CLS/INP span to its page). */
  segmentId: string;
  release: string;
  environment: string;
  browserName: string;
  browserVersion: string;
  osName: string;
  userId: string;
  timestampMs: number;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's timestamp when the time rules moved the sample to the receive time (or
   * with its transaction); null or absent when it was kept
   * (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
