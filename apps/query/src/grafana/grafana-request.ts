import { FILTER_NAMES, FilterName, Filters, parseTimestamp, QueryParameterError, TimeRange } from '@pulse/analytics';

/**
 * The pure part of reading a request of the JSON datasource (simpod-json-datasource): time range,
 * bucket width, ad-hoc filters and target payloads. Everything here throws QueryParameterError
 * (answered as a 400) on bad input.
 */

/** Grafana's shortest sensible bucket; also the service's own minimum. */
export const MIN_BUCKET_MS = 1000;

/** Round bucket widths to widen to, so a widened series still has readable times. */
const ROUND_BUCKETS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800].map((s) => s * 1000);

export function readRange(from: string, to: string, name = 'range'): TimeRange {
  const range = { fromMs: parseTimestamp(`${name}.from`, from), toMs: parseTimestamp(`${name}.to`, to) };
  if (range.toMs <= range.fromMs) throw new QueryParameterError(`${name}.to must be after ${name}.from`);
  return range;
}

/** Buckets of width `widthMs` aligned to the epoch that a range touches (the series the services return). */
export function bucketCount(range: TimeRange, widthMs: number): number {
  return Math.ceil(range.toMs / widthMs) - Math.floor(range.fromMs / widthMs);
}

/**
 * The bucket width of a panel: Grafana's `intervalMs` (at least 1 s), widened to the next round
 * width when the range would otherwise hold more buckets than `maxDataPoints` or than the service
 * returns (`maxPoints`). The services widen rollup reads to whole minutes on top of this.
 */
export function bucketWidthMs(range: TimeRange, intervalMs: number | undefined, maxDataPoints: number | undefined, maxPoints: number): number {
  const limit = Math.max(1, Math.min(maxDataPoints ?? maxPoints, maxPoints));
  const requested = Math.max(MIN_BUCKET_MS, Math.ceil(intervalMs ?? 0));
  if (bucketCount(range, requested) <= limit) return requested;
  const round = ROUND_BUCKETS_MS.find((width) => width >= requested && bucketCount(range, width) <= limit);
  if (round !== undefined) return round;
  // Beyond a week per bucket: the smallest whole-second width that fits (one bucket more for alignment).
  let width = Math.ceil((range.toMs - range.fromMs) / Math.max(1, limit - 1) / 1000) * 1000;
  while (bucketCount(range, width) > limit) width += 1000;
  return Math.max(width, requested);
}

/** Ad-hoc filter keys (POST /tag-keys) and the filter each one sets. */
export const TAG_KEYS: readonly FilterName[] = FILTER_NAMES;

export interface AdhocFilter {
  key: string;
  operator: string;
  value: string;
}

/** A filter value and where it came from, for the message when two disagree. */
type Sourced = Partial<Record<FilterName, { value: string; from: string }>>;

function setFilter(into: Sourced, name: FilterName, value: string, from: string): void {
  const existing = into[name];
  if (existing && existing.value !== value) {
    throw new QueryParameterError(`conflicting filters: ${name}=${JSON.stringify(existing.value)} (${existing.from}) and ${name}=${JSON.stringify(value)} (${from})`);
  }
  into[name] = { value, from };
}

/**
 * The ad-hoc filters of a /query request: `filters` (plugin 0.6.4 and later) or `adhocFilters`
 * (up to 0.6.3); both are read. Only `=` is supported: every filter of Pulse is an equality.
 */
export function readAdhocFilters(filters: AdhocFilter[] = [], adhocFilters: AdhocFilter[] = []): Sourced {
  const result: Sourced = {};
  for (const filter of [...filters, ...adhocFilters]) {
    if (!(TAG_KEYS as readonly string[]).includes(filter.key)) {
      throw new QueryParameterError(`unknown ad-hoc filter key ${JSON.stringify(filter.key)}; valid keys: ${TAG_KEYS.join(', ')}`);
    }
    if (filter.operator !== '=') {
      throw new QueryParameterError(`ad-hoc filter operator ${JSON.stringify(filter.operator)} (on ${filter.key}) is not supported; only = is`);
    }
    setFilter(result, filter.key as FilterName, filter.value, 'ad-hoc filter');
  }
  return result;
}

/**
 * Payload fields a catalog entry may declare. `page` filters web vitals by page (the `transaction`
 * filter of that dataset); `issue` names one issue (id or short id), not a filter.
 */
export type PayloadName = 'release' | 'environment' | 'transaction' | 'page' | 'vital' | 'group_by' | 'issue';
export const PAYLOAD_NAMES: readonly PayloadName[] = ['release', 'environment', 'transaction', 'page', 'vital', 'group_by', 'issue'];

/** The value that means "no filter": a template variable's custom All value in the shipped dashboard. */
export const ALL_VALUE = '*';

/**
 * The plugin interpolates template variables in builder-mode payloads (and in `target`) with
 * Grafana's `regex` format, so `$release` = 1.4.0 arrives as `1\.4\.0`; undo that escaping. A
 * multi-value variable arrives as `(a|b)`, which is not one value and is refused by the caller.
 */
export function unescapeRegexFormat(value: string): string {
  return value.replace(/\\([\\^$*+?.()|[\]{}/])/g, '$1');
}

export interface TargetPayload {
  filters: Partial<Record<FilterName, string>>;
  /** The payload filters by payload name (`page`, not `transaction`), for series names. */
  labels: Record<string, string>;
  vital?: string;
  groupBy?: 'release';
  /** The issue of `issue.events`: an id or a short id. */
  issue?: string;
}

/**
 * A target's payload, checked against the payload fields its catalog entry declares. Values are
 * strings (the plugin turns builder values into strings); `*` or an empty value means no filter.
 */
export function readPayload(target: string, payload: Record<string, unknown> | undefined, allowed: readonly PayloadName[], vitals: readonly string[]): TargetPayload {
  const result: TargetPayload = { filters: {}, labels: {} };
  for (const [name, raw] of Object.entries(payload ?? {})) {
    if (!(allowed as readonly string[]).includes(name)) {
      const valid = allowed.length > 0 ? `valid payload fields: ${allowed.join(', ')}` : 'it takes no payload';
      throw new QueryParameterError(`${target} has no payload field ${JSON.stringify(name)}; ${valid}`);
    }
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== 'string') throw new QueryParameterError(`payload ${name} of ${target} must be a string, got ${JSON.stringify(raw)}`);
    const value = unescapeRegexFormat(raw.trim());
    if (value === '' || value === ALL_VALUE) continue;
    if (/^\(.*\|.*\)$/.test(raw.trim())) {
      throw new QueryParameterError(`payload ${name} of ${target} holds several values ${JSON.stringify(raw)}: use a single-value variable or ${JSON.stringify(ALL_VALUE)} for all`);
    }
    if (value.length > 200) throw new QueryParameterError(`payload ${name} of ${target} is longer than 200 characters`);
    const field = name as PayloadName;
    if (field === 'group_by') {
      if (value !== 'release') throw new QueryParameterError(`payload group_by of ${target} must be "release", got ${JSON.stringify(value)}`);
      result.groupBy = value;
    } else if (field === 'issue') {
      result.issue = value;
      result.labels.issue = value;
    } else if (field === 'vital') {
      if (!vitals.includes(value)) throw new QueryParameterError(`payload vital of ${target} must be one of ${vitals.join(', ')}, got ${JSON.stringify(value)}`);
      result.vital = value;
    } else {
      result.filters[field === 'page' ? 'transaction' : field] = value;
      result.labels[field] = value;
    }
  }
  return result;
}

/** Payload filters and ad-hoc filters together; the same key with two different values is a 400. */
export function mergeFilters(payload: TargetPayload, adhoc: Sourced): Filters {
  const merged: Sourced = { ...adhoc };
  for (const [name, value] of Object.entries(payload.filters) as Array<[FilterName, string]>) setFilter(merged, name, value, 'payload');
  const filters: Filters = {};
  for (const [name, entry] of Object.entries(merged) as Array<[FilterName, { value: string }]>) filters[name] = entry.value;
  return filters;
}
