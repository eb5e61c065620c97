import type { WebVitalName, WebVitalRecord } from './web-vital.record';

/**
 * The Web Vitals Pulse stores, their units and rating thresholds (docs: metrics.md), and where each
 * SDK generation puts them:
 * - classic pageload transactions: `measurements.<name> = {value, unit}`;
 * - streamed spans: the attribute `browser.web_vital.<name>.value` (always milliseconds, CLS a score)
 *   on the pageload segment (ttfb, fcp, fp) or on its own span (lcp, cls: `ui.webvital.*`; inp:
 *   `ui.interaction.*`).
 * Either way a sample becomes one WebVitalRecord with the value in milliseconds (CLS: score).
 */
export const WEB_VITALS: readonly WebVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid', 'fp'];

export type VitalRating = 'good' | 'needs_improvement' | 'poor';

/** Vitals with published thresholds (fp has none: it is stored, not rated). */
export type RatedVitalName = Exclude<WebVitalName, 'fp'>;

export interface VitalThresholds {
  /** A value ≤ good is good. */
  good: number;
  /** A value > poor is poor; in between needs improvement. */
  poor: number;
}

export const VITAL_UNITS: Readonly<Record<WebVitalName, 'millisecond' | 'score'>> = {
  lcp: 'millisecond',
  fcp: 'millisecond',
  cls: 'score',
  inp: 'millisecond',
  ttfb: 'millisecond',
  fid: 'millisecond',
  fp: 'millisecond',
};

export const VITAL_THRESHOLDS: Readonly<Record<RatedVitalName, VitalThresholds>> = {
  lcp: { good: 2500, poor: 4000 },
  inp: { good: 200, poor: 500 },
  cls: { good: 0.1, poor: 0.25 },
  fcp: { good: 1800, poor: 3000 },
  ttfb: { good: 800, poor: 1800 },
  fid: { good: 100, poor: 300 },
};

export function isWebVitalName(name: string): name is WebVitalName {
  return (WEB_VITALS as readonly string[]).includes(name);
}

export function isRatedVital(name: string): name is RatedVitalName {
  return name in VITAL_THRESHOLDS;
}

export function rateVital(name: RatedVitalName, value: number): VitalRating {
  const { good, poor } = VITAL_THRESHOLDS[name];
  if (value <= good) return 'good';
  return value > poor ? 'poor' : 'needs_improvement';
}

/** `browser.web_vital.<name>.value`: the streamed-span attribute carrying a sample. */
export function vitalAttributeKey(name: WebVitalName): string {
  return `browser.web_vital.${name}.value`;
}

const ATTRIBUTE_KEY = /^browser\.web_vital\.([a-z]+)\.value$/;

/** The vital an attribute key carries, or undefined (`browser.web_vital.lcp.element` etc. carry none). */
export function vitalOfAttributeKey(key: string): WebVitalName | undefined {
  const name = ATTRIBUTE_KEY.exec(key)?.[1];
  return name !== undefined && isWebVitalName(name) ? name : undefined;
}

/** `browser.web_vital.<name>.value` of every vital, in WEB_VITALS order. */
const ATTRIBUTE_KEYS: ReadonlyArray<readonly [WebVitalName, string]> = WEB_VITALS.map((name) => [name, vitalAttributeKey(name)] as const);

/**
 * The samples of a streamed span's attributes (`{key: {value, type}}`), by vital. Looks up the
 * seven keys that can carry one instead of walking every attribute: a span has a few dozen.
 */
export function vitalsOfAttributes(attributes: Record<string, { value?: unknown } | null | undefined> | null | undefined): Partial<Record<WebVitalName, number>> {
  const samples: Partial<Record<WebVitalName, number>> = {};
  if (attributes === null || attributes === undefined) return samples;
  for (const [vital, key] of ATTRIBUTE_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const entry = attributes[key];
    const value = entry !== null && typeof entry === 'object' ? entry.value : undefined;
    if (isVitalValue(value)) samples[vital] = value;
  }
  return samples;
}

/** A usable sample: a finite, non-negative number. */
export function isVitalValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

const TO_MILLISECONDS: Record<string, number> = { millisecond: 1, second: 1000, microsecond: 0.001, nanosecond: 0.000001 };
const UNITLESS = new Set(['', 'none', 'ratio']);

/**
 * A classic measurement converted to Pulse's unit, or undefined when unusable. Time vitals accept
 * millisecond (the SDK default, also assumed when the unit is missing), second, microsecond and
 * nanosecond; CLS must be unitless.
 */
export function measurementToVitalValue(name: WebVitalName, measurement: { value?: unknown; unit?: unknown } | undefined): number | undefined {
  const value = measurement?.value;
  if (!isVitalValue(value)) return undefined;
  const unit = typeof measurement?.unit === 'string' ? measurement.unit.toLowerCase() : '';
  if (VITAL_UNITS[name] === 'score') return UNITLESS.has(unit) ? value : undefined;
  const factor = unit === '' ? 1 : TO_MILLISECONDS[unit];
  return factor === undefined ? undefined : value * factor;
}

/** Everything of a WebVitalRecord but the sample itself. */
export type VitalSampleContext = Omit<WebVitalRecord, 'vital' | 'value'>;

/** One record per sample, in WEB_VITALS order (so both generations list them alike). */
export function webVitalRecords(context: VitalSampleContext, samples: Partial<Record<WebVitalName, number>>): WebVitalRecord[] {
  const records: WebVitalRecord[] = [];
  for (const vital of WEB_VITALS) {
    const value = samples[vital];
    if (value !== undefined) records.push(webVitalRecord(context, vital, value));
  }
  return records;
}

/** Field by field rather than a spread of the context: one fixed shape, no copy per sample. */
function webVitalRecord(context: VitalSampleContext, vital: WebVitalName, value: number): WebVitalRecord {
  return {
    projectId: context.projectId,
    vital,
    value,
    page: context.page,
    traceId: context.traceId,
    segmentId: context.segmentId,
    release: context.release,
    environment: context.environment,
    browserName: context.browserName,
    browserVersion: context.browserVersion,
    osName: context.osName,
    userId: context.userId,
    timestampMs: context.timestampMs,
    receivedAtMs: context.receivedAtMs,
  };
}
