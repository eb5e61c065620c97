import type { SentEvent } from './steady-load';

/**
 * What was promised against what was stored. A 200 promises the event is stored exactly once:
 * `lost` counts 200s with no row, `doubled` every event (whatever its answer) with more than one.
 * Events answered otherwise (503, no answer) may or may not be stored; they are counted apart.
 */
export interface Reconciliation {
  sent: number;
  ok: number;
  unavailable: number;
  /** Answers other than 200 and 503 (none are expected). */
  other: number;
  noAnswer: number;
  /** Events with at least one row. */
  stored: number;
  /** 200 answers without a row. */
  lost: number;
  /** Events with more than one row, and the extra rows they have. */
  doubled: number;
  extraRows: number;
  /** 503 (or unanswered) events that were stored anyway (once). */
  storedDespiteFailure: number;
  /** From the log census: events written to Kafka more than once (a retried send). */
  copiedInKafka: number;
  /** …of which stored once all the same (the consumer removed the copy). */
  copiedInKafkaStoredOnce: number;
  /** Lost events that are in Kafka (the consumer missed them) rather than never written. */
  lostButInKafka: number;
  /** Statuses other than 200/503, by status. */
  otherStatuses: Record<string, number>;
  /** A few ids of lost and doubled events, for a look in ClickHouse and the logs. */
  lostIds: string[];
  doubledIds: string[];
}

const SAMPLE_IDS = 10;

/**
 * `rows`: event id → rows stored under it; `logCopies`: event id → copies in the Kafka log (ids
 * absent from either have none).
 */
export function reconcile(events: readonly SentEvent[], rows: ReadonlyMap<string, number>, logCopies: ReadonlyMap<string, number> = new Map()): Reconciliation {
  const result: Reconciliation = {
    sent: events.length,
    ok: 0,
    unavailable: 0,
    other: 0,
    noAnswer: 0,
    stored: 0,
    lost: 0,
    doubled: 0,
    extraRows: 0,
    storedDespiteFailure: 0,
    copiedInKafka: 0,
    copiedInKafkaStoredOnce: 0,
    lostButInKafka: 0,
    otherStatuses: {},
    lostIds: [],
    doubledIds: [],
  };
  for (const event of events) {
    const count = rows.get(event.eventId) ?? 0;
    const status = event.status ?? 0;
    if (status === 200) result.ok++;
    else if (status === 503) result.unavailable++;
    else if (status === 0) result.noAnswer++;
    else {
      result.other++;
      result.otherStatuses[status] = (result.otherStatuses[status] ?? 0) + 1;
    }
    if (count > 0) result.stored++;
    if (count > 1) {
      result.doubled++;
      result.extraRows += count - 1;
      if (result.doubledIds.length < SAMPLE_IDS) result.doubledIds.push(event.eventId);
    }
    const copies = logCopies.get(event.eventId) ?? 0;
    if (copies > 1) {
      result.copiedInKafka++;
      if (count === 1) result.copiedInKafkaStoredOnce++;
    }
    if (status === 200 && count === 0) {
      result.lost++;
      if (copies > 0) result.lostButInKafka++;
      if (result.lostIds.length < SAMPLE_IDS) result.lostIds.push(event.eventId);
    }
    if (status !== 200 && count === 1) result.storedDespiteFailure++;
  }
  return result;
}

/** Stored event ids that no request of the run carried (none are expected). */
export function unexpectedIds(rows: ReadonlyMap<string, number>, sentIds: ReadonlySet<string>): string[] {
  return [...rows.keys()].filter((id) => !sentIds.has(id));
}
