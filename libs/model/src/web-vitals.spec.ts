import { vitalsOfAttributes, isRatedVital, measurementToVitalValue, rateVital, VITAL_THRESHOLDS, vitalAttributeKey, vitalOfAttributeKey, webVitalRecords } from './web-vitals';

describe('rateVital', () => {
  it('is good up to and including the good threshold, poor strictly above the poor one', () => {
    expect(rateVital('lcp', 2500)).toBe('good');
    expect(rateVital('lcp', 2500.1)).toBe('needs_improvement');
    expect(rateVital('lcp', 4000)).toBe('needs_improvement');
    expect(rateVital('lcp', 4000.1)).toBe('poor');
    expect(rateVital('cls', 0.1)).toBe('good');
    expect(rateVital('cls', 0.26)).toBe('poor');
  });

  it('uses the thresholds of metrics.md', () => {
    expect(VITAL_THRESHOLDS).toEqual({
      lcp: { good: 2500, poor: 4000 },
      inp: { good: 200, poor: 500 },
      cls: { good: 0.1, poor: 0.25 },
      fcp: { good: 1800, poor: 3000 },
      ttfb: { good: 800, poor: 1800 },
      fid: { good: 100, poor: 300 },
    });
    expect(isRatedVital('fp')).toBe(false);
    expect(isRatedVital('inp')).toBe(true);
  });
});

describe('attribute names', () => {
  it('maps browser.web_vital.<name>.value both ways, nothing else', () => {
    expect(vitalAttributeKey('inp')).toBe('browser.web_vital.inp.value');
    expect(vitalOfAttributeKey('browser.web_vital.lcp.value')).toBe('lcp');
    expect(vitalOfAttributeKey('browser.web_vital.lcp.element')).toBeUndefined();
    expect(vitalOfAttributeKey('browser.web_vital.ttfb.request_time')).toBeUndefined();
    expect(vitalOfAttributeKey('browser.web_vital.foo.value')).toBeUndefined();
  });

  it('reads the samples of typed attributes, skipping odd entries', () => {
    const attributes = { 'browser.web_vital.lcp.value': { value: 1200, type: 'integer' }, 'browser.web_vital.cls.value': { value: -1 }, 'browser.web_vital.fcp.value': null, 'browser.web_vital.inp.value': { value: '9' } };
    expect(vitalsOfAttributes(attributes)).toEqual({ lcp: 1200 });
    expect(vitalsOfAttributes(undefined)).toEqual({});
  });
});

describe('measurementToVitalValue', () => {
  it('converts time units to milliseconds and assumes ms when the unit is missing', () => {
    expect(measurementToVitalValue('lcp', { value: 2.5, unit: 'second' })).toBe(2500);
    expect(measurementToVitalValue('lcp', { value: 2500, unit: 'millisecond' })).toBe(2500);
    expect(measurementToVitalValue('ttfb', { value: 180 })).toBe(180);
    expect(measurementToVitalValue('fcp', { value: 2_000_000, unit: 'nanosecond' })).toBe(2);
  });

  it('wants CLS unitless and drops unusable values', () => {
    expect(measurementToVitalValue('cls', { value: 0.05, unit: '' })).toBe(0.05);
    expect(measurementToVitalValue('cls', { value: 0.05, unit: 'millisecond' })).toBeUndefined();
    expect(measurementToVitalValue('lcp', { value: 10, unit: 'byte' })).toBeUndefined();
    expect(measurementToVitalValue('lcp', { value: -1 })).toBeUndefined();
    expect(measurementToVitalValue('lcp', { value: '2500' })).toBeUndefined();
    expect(measurementToVitalValue('lcp', undefined)).toBeUndefined();
  });
});

describe('webVitalRecords', () => {
  it('emits one record per sample in a fixed order', () => {
    const context = { projectId: 1, page: '/', traceId: 't', segmentId: 's', release: '', environment: 'production', browserName: '', browserVersion: '', osName: '', userId: '', timestampMs: 1, receivedAtMs: 2 };
    expect(webVitalRecords(context, { cls: 0.1, lcp: 900 }).map((record) => [record.vital, record.value])).toEqual([['lcp', 900], ['cls', 0.1]]);
  });
});
