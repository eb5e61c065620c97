import { ClientOutcomesInput, parseScope, ReadRequest, ScopeLimits } from '@pulse/analytics';
import { AnalyticsQueryDto } from '../analytics-query.dto';

/**
 * GET client-outcomes: the shared scope (from, to, interval and the filters; client outcomes
 * answer release and environment, any other filter is a 400 naming it). The series is part of
 * the answer only when `interval` is given: the summary per reason is what most callers want.
 */
export class ClientOutcomesQueryDto extends AnalyticsQueryDto {}

/** The parsed request; throws QueryParameterError on the first wrong value. */
export function clientOutcomesRequest(projectId: number, dto: ClientOutcomesQueryDto, limits: ScopeLimits): ReadRequest<ClientOutcomesInput> {
  const scope = parseScope(projectId, dto, limits);
  return { ...scope, seriesIntervalMs: dto.interval === undefined ? undefined : scope.intervalMs };
}
