import { metricSamples, metricValue } from './prometheus-text';

const TEXT = [
  '# HELP pulse_ingest_events_total Events by kind and outcome.',
  '# TYPE pulse_ingest_events_total counter',
  'pulse_ingest_events_total{kind="transaction",outcome="accepted"} 120',
  'pulse_ingest_events_total{kind="error",outcome="accepted"} 30',
  'pulse_ingest_events_total{kind="error",outcome="invalid",detail="a \\"quoted\\" reason"} 2',
  'pulse_ingest_produce_seconds_sum 1.5',
  'pulse_ingest_produce_seconds_count 42',
  'pulse_ingest_produce_seconds_bucket{le="0.1"} 40',
].join('\n');

describe('metricSamples / metricValue', () => {
  it('reads each sample of a metric with its labels, escaped quotes included', () => {
    expect(metricSamples(TEXT, 'pulse_ingest_events_total')).toEqual([
      { labels: { kind: 'transaction', outcome: 'accepted' }, value: 120 },
      { labels: { kind: 'error', outcome: 'accepted' }, value: 30 },
      { labels: { kind: 'error', outcome: 'invalid', detail: 'a \\"quoted\\" reason' }, value: 2 },
    ]);
  });

  it('sums the samples whose labels match, and tells a metric from its longer-named relatives', () => {
    expect(metricValue(TEXT, 'pulse_ingest_events_total')).toBe(152);
    expect(metricValue(TEXT, 'pulse_ingest_events_total', { kind: 'error' })).toBe(32);
    expect(metricValue(TEXT, 'pulse_ingest_events_total', { kind: 'session' })).toBe(0);
    expect(metricValue(TEXT, 'pulse_ingest_produce_seconds_count')).toBe(42);
    expect(metricValue(TEXT, 'pulse_ingest_produce_seconds')).toBe(0);
  });
});
