import { reconcile, unexpectedIds } from './ledger';
import type { SentEvent } from './steady-load';

const event = (eventId: string, status: number | undefined): SentEvent => ({ eventId, kind: 'transaction', projectId: 1, sentAtMs: 0, answeredAtMs: 1, status });

describe('reconcile', () => {
  it('counts 200s without a row as lost and any event with two rows as doubled', () => {
    const events = [event('a', 200), event('b', 200), event('c', 200), event('d', 503), event('e', 503), event('f', 0), event('g', 400)];
    const rows = new Map([
      ['a', 1],
      ['c', 2],
      ['d', 1],
      ['e', 3],
    ]);
    const result = reconcile(events, rows);
    expect(result).toMatchObject({ sent: 7, ok: 3, unavailable: 2, noAnswer: 1, other: 1, otherStatuses: { 400: 1 }, stored: 4, lost: 1, doubled: 2, extraRows: 3, storedDespiteFailure: 1 });
    expect(result.lostIds).toEqual(['b']);
    expect(result.doubledIds).toEqual(['c', 'e']);
  });

  it('is clean when every 200 has exactly one row', () => {
    const result = reconcile([event('a', 200), event('b', 503)], new Map([['a', 1]]));
    expect(result).toMatchObject({ lost: 0, doubled: 0, stored: 1, storedDespiteFailure: 0 });
  });

  it('tells doubles made in Kafka (and removed by the consumer or not) and lost events that reached Kafka', () => {
    const events = [event('a', 200), event('b', 200), event('c', 200), event('d', 200)];
    const rows = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const copies = new Map([
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ]);
    expect(reconcile(events, rows, copies)).toMatchObject({ copiedInKafka: 2, copiedInKafkaStoredOnce: 1, lost: 2, lostButInKafka: 1, doubled: 1 });
  });

  it('names stored ids that no request carried', () => {
    expect(unexpectedIds(new Map([['a', 1], ['z', 1]]), new Set(['a']))).toEqual(['z']);
  });
});
