import type { ReadScope, RollupStarts } from './aggregate-query';
import { Filters, parseTagFilters } from './filters';
import { checkRangeLength, chooseInterval, parseTimeRange, TimeRange, widenInterval } from './time-range';

/**
 * What every analytics read is about: one project, a time range, a bucket width and filters. The
 * services add the rollup tiers they may read (RollupTiers); callers build a scope with one of
 * the two functions below, so the same limits hold for every caller (HTTP query strings, Grafana).
 */
export interface AnalyticsScope {
  projectId: number;
  range: TimeRange;
  intervalMs: number;
  filters: Filters;
}

/** QUERY_MAX_RANGE_DAYS and QUERY_MAX_POINTS. */
export interface ScopeLimits {
  maxRangeDays: number;
  maxPoints: number;
}

/** The scope as a query string gives it: every value a string, parsed by parseScope. */
export interface ScopeParameters {
  from: string;
  to: string;
  interval?: string;
  transaction?: string;
  release?: string;
  environment?: string;
  browser?: string;
  os?: string;
  /** `key:value`, repeatable. */
  tag?: string | string[];
}

/** Throws QueryParameterError on the first value that is wrong, in the order of the parameters. */
export function parseScope(projectId: number, parameters: ScopeParameters, limits: ScopeLimits): AnalyticsScope {
  const range = parseTimeRange(parameters.from, parameters.to, limits.maxRangeDays);
  return {
    projectId,
    range,
    intervalMs: chooseInterval(range, parameters.interval, limits.maxPoints),
    filters: {
      transaction: parameters.transaction,
      release: parameters.release,
      environment: parameters.environment,
      browser: parameters.browser,
      os: parameters.os,
      tags: parseTagFilters(parameters.tag),
    },
  };
}

/** A scope from values parsed already (a Grafana panel's range and bucket width), under the limits parseScope applies. */
export function checkedScope(projectId: number, range: TimeRange, intervalMs: number, filters: Filters, limits: ScopeLimits): AnalyticsScope {
  checkRangeLength(range, limits.maxRangeDays);
  return { projectId, range, intervalMs: widenInterval(range, intervalMs, limits.maxPoints), filters };
}

/**
 * A compile function's input as a service takes it: without the rollup starts, which the service
 * adds (RollupTiers), and without a forced source (chosen from the range and filters).
 */
export type ReadRequest<Input extends ReadScope> = Omit<Input, 'source' | keyof RollupStarts>;
