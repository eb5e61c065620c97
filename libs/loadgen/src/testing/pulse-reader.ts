import { applyTimeRules, clockDriftMs, emptyRecordCounts, emptyRecords, mergeRecords, NormalizedRecords, normalizeItem, RECORD_KINDS, StoredItemKind } from '@pulse/model';
import { Envelope, itemKind, parseEnvelope } from '@pulse/protocol';
import type { ExpectedRecords } from '../envelope';

/** What Pulse made of one envelope, and everything it would have complained about. */
export interface ReadEnvelope {
  envelope: Envelope;
  records: NormalizedRecords;
  /** Parse or validation failures, items or spans left out, records dropped by the time rules. */
  problems: string[];
}

const STORED: ReadonlySet<string> = new Set<StoredItemKind>(['event', 'transaction', 'span', 'session', 'sessions']);

/**
 * Test double of the ingest pipeline's pure part (apps/ingest/src/ingest.service.ts): Pulse's own
 * envelope parser, item validation and normalization, and time rules, with the same per-process
 * memory of transaction names that lets late Web Vitals find their page. No HTTP, no Kafka.
 */
export class PulseReader {
  private readonly names = new Map<string, string>();

  constructor(private readonly projectId = 1) {}

  read(body: string, receivedAtMs: number): ReadEnvelope {
    const parsed = parseEnvelope(Buffer.from(body, 'utf8'), { maxItems: 1000, maxItemBytes: 1024 * 1024 });
    if (!parsed.ok) throw new Error(`Pulse cannot parse the envelope: ${parsed.error.code}: ${parsed.error.detail}`);
    const problems: string[] = [];
    let records = emptyRecords();
    const ctx = {
      projectId: this.projectId,
      receivedAtMs,
      generateEventId: () => 'f'.repeat(32),
      transactionNameOf: (spanId: string) => this.names.get(spanId),
    };
    for (const [index, item] of parsed.envelope.items.entries()) {
      const kind = itemKind(item.type);
      if (!STORED.has(kind)) {
        problems.push(`item ${index}: type ${item.type} is not stored`);
        continue;
      }
      const result = normalizeItem(kind as StoredItemKind, JSON.parse(item.payload.toString('utf8')), ctx);
      if (!result.ok) {
        problems.push(`item ${index} (${kind}): ${result.reason} ${result.causes.join('; ')}`);
        continue;
      }
      problems.push(...result.partial.map((reason) => `item ${index} (${kind}): ${reason}`));
      records = mergeRecords(records, result.records);
      for (const transaction of result.records.transactions) this.names.set(transaction.spanId, transaction.name);
    }
    const sentAt = parsed.envelope.header.sent_at;
    const timed = applyTimeRules(records, clockDriftMs(sentAt ? Date.parse(sentAt) : undefined, receivedAtMs), receivedAtMs);
    problems.push(...timed.dropped.map((dropped) => `${dropped.kind}: ${dropped.reason}`));
    return { envelope: parsed.envelope, records: timed.records, problems };
  }
}

export function countsOf(records: NormalizedRecords): ExpectedRecords {
  const counts = emptyRecordCounts();
  for (const kind of RECORD_KINDS) counts[kind] = records[kind].length;
  return counts;
}
