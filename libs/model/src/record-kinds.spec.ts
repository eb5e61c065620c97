import { emptyRecordCounts, emptyRecords, mergeRecords, NormalizedRecords, RECORD_KINDS, RecordKind, recordsOf } from './record-kinds';

/** One record per kind, told apart by a marker (the merge never looks inside a record). */
function oneOfEach(marker: string): NormalizedRecords {
  const records = emptyRecords();
  for (const kind of RECORD_KINDS) (records[kind] as unknown[]).push({ marker, kind });
  return records;
}

describe('record kinds', () => {
  it('merges the records of every kind, in order, into the first value', () => {
    const into = oneOfEach('a');
    const merged = mergeRecords(into, oneOfEach('b'));
    expect(merged).toBe(into);
    for (const kind of RECORD_KINDS) expect(merged[kind]).toEqual([{ marker: 'a', kind }, { marker: 'b', kind }]);
  });

  it('starts every kind empty, as fresh arrays and zero counts', () => {
    expect(emptyRecords().webVitals).not.toBe(emptyRecords().webVitals);
    expect(Object.keys(emptyRecords())).toEqual(RECORD_KINDS);
    expect(emptyRecordCounts()).toEqual(Object.fromEntries(RECORD_KINDS.map((kind) => [kind, 0])));
  });

  it('gives an item of one kind its list and empty ones for the others', () => {
    const errors: NormalizedRecords['errors'] = [];
    const records = recordsOf(RecordKind.Error, errors);
    expect(records.errors).toBe(errors);
    expect(Object.keys(records)).toEqual(RECORD_KINDS);
    expect(RECORD_KINDS.filter((kind) => kind !== RecordKind.Error).map((kind) => records[kind])).toEqual([[], [], [], [], []]);
  });
});
