import { RECORD_KINDS } from '@pulse/model';
import { STORED_KINDS, Tables } from './stored-kinds';

describe('STORED_KINDS', () => {
  // Tables and record_keys rows of running installs carry these names: a rename strands their data.
  it('keeps the raw table and record_keys name of every kind', () => {
    expect(RECORD_KINDS.map((kind) => [STORED_KINDS[kind].table, STORED_KINDS[kind].keyKind])).toEqual([
      ['transactions', 'transactions'],
      ['spans', 'spans'],
      ['web_vitals', 'web-vitals'],
      ['errors', 'errors'],
      ['sessions', 'sessions'],
      ['client_outcomes', 'client-reports'],
    ]);
  });

  it('encodes each kind into its own table', () => {
    expect(RECORD_KINDS.map((kind) => STORED_KINDS[kind].encoder.table)).toEqual(RECORD_KINDS.map((kind) => STORED_KINDS[kind].table));
  });

  it('names each raw table by its kind in Tables', () => {
    expect(Tables).toEqual({ transactions: 'transactions', spans: 'spans', webVitals: 'web_vitals', errors: 'errors', sessions: 'sessions', clientReports: 'client_outcomes' });
  });
});
