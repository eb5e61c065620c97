import { RECORD_KINDS, RecordKind } from '@pulse/model';
import { RecordGenerator } from './record-generator';
import { sessionUpdates } from './record-draws';
import { seededRecords, SeedOptions } from './seeded-records';

const OPTIONS: SeedOptions = { startMs: Date.UTC(2026, 0, 2), minutes: 10, transactions: 20, spans: 20, webVitals: 20, errors: 20, sessions: 10, sessionAggregates: 3 };

describe('seededRecords', () => {
  it('replays exactly for the same seed and differs for another', () => {
    expect(seededRecords(5, OPTIONS)).toEqual(seededRecords(5, OPTIONS));
    expect(seededRecords(6, OPTIONS).transactions).not.toEqual(seededRecords(5, OPTIONS).transactions);
  });

  it('gives every kind of the registry, in the numbers asked for and within the window', () => {
    const records = seededRecords(5, OPTIONS);
    expect(Object.keys(records).sort()).toEqual([...RECORD_KINDS].sort());
    expect(records.transactions).toHaveLength(20);
    expect(records.errors).toHaveLength(20);
    const endMs = OPTIONS.startMs + OPTIONS.minutes * 60_000;
    for (const record of [...records.transactions, ...records.spans, ...records.webVitals, ...records.errors]) {
      expect(record.timestampMs).toBeGreaterThanOrEqual(OPTIONS.startMs);
      expect(record.timestampMs).toBeLessThan(endMs);
    }
  });
});

describe('sessionUpdates', () => {
  it('starts with an init update and keeps the identity of the session in every update, 5 s apart', () => {
    let draw = 0;
    const updates = sessionUpdates(() => [0.1, 0.5, 0.6][draw++ % 3], { projectId: 1, release: '1.0.0', environment: 'production', sessionId: 's', distinctId: 'u', startedMs: 1000 });
    expect(updates.map((u) => [u.status, u.errors, u.init, u.timestampMs])).toEqual([
      ['ok', 0, true, 1000],
      ['ok', 2, false, 6000],
      ['crashed', 3, false, 11000],
    ]);
    expect(new Set(updates.map((u) => u.sessionId))).toEqual(new Set(['s']));
  });
});

describe('RecordGenerator', () => {
  it('makes a record of the kind asked for, with ids no other record of the generator has', () => {
    const generator = new RecordGenerator(3, { projects: [41, 42], nowMs: Date.UTC(2026, 0, 2) });
    const vital = generator.next(RecordKind.WebVital);
    expect(typeof vital.vital).toBe('string');
    const ids = Array.from({ length: 200 }, () => generator.next(RecordKind.Transaction).eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
