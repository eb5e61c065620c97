import { chooseInterval, Filters, parseTagFilters, parseTimeRange, QueryParameterError, TimeRange } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import type { AnalyticsQueryDto } from './analytics-query.dto';
import type { QueryLimits } from './query.tokens';

/** What every analytics query is about: one project, a time range, a bucket width and filters. */
export interface AnalyticsScope {
  projectId: number;
  range: TimeRange;
  intervalMs: number;
  filters: Filters;
  /** From when the hour rollups are complete (RollupTiers); undefined: the minute rollups only. */
  hourRollupFromMs?: number;
}

export function parseScope(projectId: number, dto: AnalyticsQueryDto, limits: QueryLimits, hourRollupFromMs?: number): AnalyticsScope {
  return asBadRequest(() => {
    const range = parseTimeRange(dto.from, dto.to, limits.maxRangeDays);
    return {
      projectId,
      range,
      intervalMs: chooseInterval(range, dto.interval, limits.maxPoints),
      hourRollupFromMs,
      filters: {
        transaction: dto.transaction,
        release: dto.release,
        environment: dto.environment,
        browser: dto.browser,
        os: dto.os,
        tags: parseTagFilters(dto.tag),
      },
    };
  });
}

/** Runs `parse`, turning a QueryParameterError into a 400 with its message. */
export function asBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryParameterError) throw new ApiError(400, error.message);
    throw error;
  }
}
