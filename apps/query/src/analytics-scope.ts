import { chooseInterval, Filters, parseTagFilters, parseTimeRange, QueryParameterError, RollupStarts, TimeRange } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import type { AnalyticsQueryDto } from './analytics-query.dto';
import type { QueryLimits } from './query.tokens';

/** What every analytics query is about: one project, a time range, a bucket width and filters. */
export interface AnalyticsScope extends RollupStarts {
  projectId: number;
  range: TimeRange;
  intervalMs: number;
  filters: Filters;
}

/** `starts`: from when the hour and day rollups are complete (RollupTiers); a tier left out is not read. */
export function parseScope(projectId: number, dto: AnalyticsQueryDto, limits: QueryLimits, starts: RollupStarts = {}): AnalyticsScope {
  return asBadRequest(() => {
    const range = parseTimeRange(dto.from, dto.to, limits.maxRangeDays);
    return {
      projectId,
      range,
      intervalMs: chooseInterval(range, dto.interval, limits.maxPoints),
      ...starts,
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
