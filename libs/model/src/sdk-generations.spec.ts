import { readSpanBatch, readTransactionEvent } from '@pulse/protocol';
import { browserLateVitalsSpanBatch, browserPageloadSpanBatch, classicNodeTransaction, classicPageloadTransaction, nodeServerSpanBatch } from '@pulse/testing/fixtures';
import { normalizeSpanBatch, SpanBatchContext } from './normalize-spans';
import { normalizeTransaction } from './normalize-transaction';
import { childrenOfTransaction } from './transaction-children';
import type { TransactionRecord } from './transaction.record';
import { clientOfEvent } from './user-agent';
import type { WebVitalRecord } from './web-vital.record';
import { payloadValue } from '@pulse/protocol/testing';
import { normalizedRecord } from './testing';

/**
 * The two SDK generations must give the same records and numbers. Fields that legitimately differ:
 * - TransactionRecord.eventId: the classic SDK sends one; a streamed segment gets a derived one.
 * - TransactionRecord.measurements: a streamed segment only carries its own vitals (ttfb, fcp, fp);
 *   LCP/CLS/INP come as separate spans. WebVitalRecords are the same either way.
 * - WebVitalRecord.timestampMs of CLS and INP: the streamed samples carry their own time (last
 *   layout shift, the interaction); the classic ones only the transaction start.
 * Known gap, not legitimate: normalizeTransaction reads browser/OS only from `contexts`, so a classic
 * event whose browser is only in the User-Agent header gets none (Relay would parse the header).
 * `clientOfEvent` does that; the last assertions show it gives the streamed values.
 */
const ctx: SpanBatchContext = { projectId: 7, receivedAtMs: 1_795_499_900_000, generateEventId: () => 'unused' };

function classic(event: Record<string, unknown>) {
  const parsed = payloadValue(readTransactionEvent(event));
  const transaction = normalizedRecord(normalizeTransaction(parsed, ctx));
  return { event: parsed, transaction, ...childrenOfTransaction(parsed, transaction, ctx) };
}

/** Normalizes batches in order, remembering transaction names as a consumer would. */
function streamed(...batches: Record<string, unknown>[]) {
  const names = new Map<string, string>();
  const all = { transactions: [] as TransactionRecord[], spans: [] as ReturnType<typeof classic>['spans'], webVitals: [] as WebVitalRecord[] };
  for (const batch of batches) {
    const { records, dropped } = normalizeSpanBatch(payloadValue(readSpanBatch(batch)), { ...ctx, transactionNameOf: (id) => names.get(id) });
    expect(dropped).toEqual([]);
    records.transactions.forEach((record) => names.set(record.spanId, record.name));
    all.transactions.push(...records.transactions);
    all.spans.push(...records.spans);
    all.webVitals.push(...records.webVitals);
  }
  return all;
}

const without = <T extends object>(record: T, ...keys: (keyof T)[]) => Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key as keyof T)));
const byVital = (vitals: WebVitalRecord[]) => [...vitals].sort((a, b) => a.vital.localeCompare(b.vital));

describe('classic and streamed generations: a browser pageload', () => {
  const old = classic(classicPageloadTransaction());
  const now = streamed(browserPageloadSpanBatch(), browserLateVitalsSpanBatch());

  it('give the same transaction, but for the fields that legitimately differ', () => {
    expect(now.transactions).toHaveLength(1);
    const differing: (keyof TransactionRecord)[] = ['eventId', 'measurements', 'browserName', 'osName'];
    expect(without(now.transactions[0], ...differing)).toEqual(without(old.transaction, ...differing));
    expect(now.transactions[0].measurements).toEqual({ ttfb: 180.4, fcp: 812.5, fp: 790.25 });
  });

  it('give the same Web Vital samples', () => {
    const [oldVitals, newVitals] = [byVital(old.webVitals), byVital(now.webVitals)];
    expect(newVitals.map((vital) => vital.vital)).toEqual(['cls', 'fcp', 'fp', 'inp', 'lcp', 'ttfb']);
    expect(newVitals.map((vital) => without(vital, 'timestampMs'))).toEqual(oldVitals.map((vital) => without(vital, 'timestampMs')));
    const sameTime = (vitals: WebVitalRecord[]) => vitals.filter((vital) => vital.vital !== 'cls' && vital.vital !== 'inp');
    expect(sameTime(newVitals)).toEqual(sameTime(oldVitals));
  });

  it('give the same child spans (the INP interaction span comes as a standalone span in both)', () => {
    expect(now.spans.filter((span) => !span.op.startsWith('ui.interaction.'))).toEqual(old.spans);
  });

  it('agree on browser and OS once the classic User-Agent header is parsed', () => {
    const { browserName, osName } = clientOfEvent(old.event);
    expect({ browserName, osName }).toEqual({ browserName: now.transactions[0].browserName, osName: now.transactions[0].osName });
  });
});

describe('classic and streamed generations: a Node http.server transaction', () => {
  const old = classic(classicNodeTransaction());
  const now = streamed(nodeServerSpanBatch());

  it('give the same transaction, but for the event id (and the browser, see the known gap)', () => {
    expect(without(now.transactions[0], 'eventId', 'browserName')).toEqual(without(old.transaction, 'eventId', 'browserName'));
    expect(clientOfEvent(old.event).browserName).toBe(now.transactions[0].browserName);
  });

  it('give the same spans', () => {
    expect(now.spans).toEqual(old.spans);
    expect(now.webVitals).toEqual([]);
    expect(old.webVitals).toEqual([]);
  });
});
