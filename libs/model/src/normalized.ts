import type { ErrorRecord } from './error.record';
import type { SessionRecord } from './session.record';
import type { SpanRecord } from './span.record';
import type { TransactionRecord } from './transaction.record';
import type { WebVitalRecord } from './web-vital.record';

/** Everything one event or envelope item normalizes into. */
export interface NormalizedRecords {
  transactions: TransactionRecord[];
  spans: SpanRecord[];
  webVitals: WebVitalRecord[];
  errors: ErrorRecord[];
  sessions: SessionRecord[];
}

export function emptyRecords(): NormalizedRecords {
  return { transactions: [], spans: [], webVitals: [], errors: [], sessions: [] };
}
