/**
 * Time parameters as dashboards send them: `from`/`to` as ISO-8601 or epoch milliseconds, an
 * interval as `30s`, `5m`, `1h`, `1d` or plain milliseconds.
 */
export class QueryParameterError extends Error {}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export function parseTimestamp(name: string, raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') throw new QueryParameterError(`${name} is required (ISO-8601 or epoch milliseconds)`);
  const text = raw.trim();
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new QueryParameterError(`${name}=${JSON.stringify(raw)} is not ISO-8601 or epoch milliseconds`);
  return ms;
}

export function parseTimeRange(from: string | undefined, to: string | undefined, maxRangeDays: number): TimeRange {
  const range = { fromMs: parseTimestamp('from', from), toMs: parseTimestamp('to', to) };
  if (range.toMs <= range.fromMs) throw new QueryParameterError('to must be after from');
  checkRangeLength(range, maxRangeDays);
  return range;
}

/** The longest range a read may span (QUERY_MAX_RANGE_DAYS), for ranges parsed elsewhere too (Grafana's). */
export function checkRangeLength(range: TimeRange, maxRangeDays: number): void {
  if (range.toMs - range.fromMs > maxRangeDays * 86_400_000) throw new QueryParameterError(`the time range may span at most ${maxRangeDays} days`);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseInterval(raw: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)?$/.exec(raw.trim());
  if (!match) throw new QueryParameterError(`interval=${JSON.stringify(raw)} must look like 30s, 5m, 1h, 1d or milliseconds`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new QueryParameterError(`interval=${JSON.stringify(raw)} must be positive`);
  return ms;
}

const NICE_STEPS_MS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 604_800].map((s) => s * 1000);
const DEFAULT_POINTS = 100;
const MIN_INTERVAL_MS = 1000;

/**
 * The bucket width for a series: the requested one, widened (never narrowed below 1 s) so the
 * range holds at most `maxPoints` buckets; without a request, a round step giving about 100 points.
 */
export function chooseInterval(range: TimeRange, requested: string | undefined, maxPoints: number): number {
  return widenInterval(range, requested !== undefined && requested !== '' ? parseInterval(requested) : undefined, maxPoints);
}

/** chooseInterval for a width already in milliseconds (Grafana's bucket width); undefined: none requested. */
export function widenInterval(range: TimeRange, requestedMs: number | undefined, maxPoints: number): number {
  const span = range.toMs - range.fromMs;
  const floor = Math.max(MIN_INTERVAL_MS, Math.ceil(span / maxPoints));
  if (requestedMs !== undefined) return Math.max(requestedMs, floor);
  const target = span / DEFAULT_POINTS;
  const nice = NICE_STEPS_MS.find((step) => step >= target) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
  return Math.max(nice, floor);
}
