import { AnalyticsRepository } from './analytics.repository';
import type { ReadRequest } from './analytics-scope';
import { compileErrorEvents, ErrorEventsInput } from './error-events.query';
import { compileErrorGroups, ErrorGroupsInput } from './errors.query';
import { ErrorEventRow, ErrorEventsResponse, ErrorGroup, ErrorGroupRow, toErrorEventsResponse, toErrorGroups } from './errors.result';
import { ReadFailure } from './read-failure';

/** Error groups and the events of one group. Errors have no coarser rollup than the minute: no rollup tiers here. */
export class ErrorsService {
  constructor(private readonly repository: AnalyticsRepository) {}

  async groups(request: ReadRequest<ErrorGroupsInput>): Promise<ErrorGroup[]> {
    const plan = compileErrorGroups(request);
    return toErrorGroups(await this.repository.query<ErrorGroupRow>(plan.query));
  }

  /** A page of the group's events, newest first; a group without events in the range and filters is not_found. */
  async events(request: ErrorEventsInput): Promise<ErrorEventsResponse> {
    const queries = compileErrorEvents(request);
    const [rows, [count]] = await Promise.all([
      this.repository.query<ErrorEventRow>(queries.events),
      this.repository.query<{ total: number | string }>(queries.total),
    ]);
    const response = toErrorEventsResponse(request.fingerprint, rows, count?.total ?? 0);
    if (response.total === 0) throw new ReadFailure('not_found', `error group ${request.fingerprint} has no events in the time range and filters`);
    return response;
  }
}
