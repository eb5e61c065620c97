import { finiteOrNull, seriesName, table, timeSeries, withRefId } from './grafana-frames';

describe('Grafana frames', () => {
  it('names a series by metric, payload filters and split keys', () => {
    expect(seriesName('p95')).toBe('p95');
    expect(seriesName('p95', { release: '1.4.0' })).toBe('p95 release=1.4.0');
    expect(seriesName('errors', { environment: 'production', release: undefined })).toBe('errors environment=production');
  });

  it('turns service points into [value, epoch_ms] datapoints, keeping nulls null', () => {
    const points = [
      { t: 60_000, p95: 412.5 },
      { t: 120_000, p95: null },
      { t: 180_000, p95: Number.NaN },
    ];
    expect(timeSeries('p95', points, (p) => p.p95)).toEqual({
      target: 'p95',
      datapoints: [
        [412.5, 60_000],
        [null, 120_000],
        [null, 180_000],
      ],
    });
  });

  it('builds a table from column specs, in column order, with nulls for missing cells', () => {
    const frame = table(
      [
        { text: 'time', type: 'time' },
        { text: 'release', type: 'string' },
        { text: 'error_rate', type: 'number' },
        { text: 'doubled', type: 'number', get: (row: { errors: number }) => row.errors * 2 },
      ],
      [{ time: 1_000, release: '1.4.0', error_rate: 0.021, errors: 3 }, { time: null, release: '1.5.0', error_rate: Infinity, errors: 1 }],
    );
    expect(frame).toEqual({
      type: 'table',
      columns: [
        { text: 'time', type: 'time' },
        { text: 'release', type: 'string' },
        { text: 'error_rate', type: 'number' },
        { text: 'doubled', type: 'number' },
      ],
      rows: [
        [1_000, '1.4.0', 0.021, 6],
        [null, '1.5.0', null, 2],
      ],
    });
  });

  it('tags frames with the refId of their query', () => {
    expect(withRefId([{ target: 'p95', datapoints: [] }], 'B')).toEqual([{ target: 'p95', datapoints: [], refId: 'B' }]);
    expect(withRefId([{ target: 'p95', datapoints: [] }], undefined)).toEqual([{ target: 'p95', datapoints: [] }]);
  });

  it('keeps only finite numbers', () => {
    expect([1.5, 0, Number.NaN, -Infinity, null, undefined].map(finiteOrNull)).toEqual([1.5, 0, null, null, null, null]);
  });
});
