import { Inject, Injectable } from '@nestjs/common';
import {
  compileErrorEvents,
  compileErrorGroups,
  ERROR_GROUP_SORTS,
  ErrorEventRow,
  ErrorEventsResponse,
  ErrorGroup,
  ErrorGroupRow,
  parseErrorLevel,
  parseErrorSearch,
  parseFingerprint,
  parseOrder,
  parsePage,
  parseSort,
  toErrorEventsResponse,
  toErrorGroups,
} from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { AnalyticsRepository } from '../analytics.repository';
import { asBadRequest, parseScope } from '../analytics-scope';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ErrorEventsQueryDto, ErrorGroupsQueryDto } from './errors-query.dto';

@Injectable()
export class ErrorsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  async groups(projectId: number, dto: ErrorGroupsQueryDto): Promise<ErrorGroup[]> {
    const scope = parseScope(projectId, dto, this.limits);
    const plan = asBadRequest(() =>
      compileErrorGroups({
        ...scope,
        level: parseErrorLevel(dto.level),
        search: parseErrorSearch(dto.query),
        sort: parseSort(dto.sort, ERROR_GROUP_SORTS, 'count'),
        order: parseOrder(dto.order, 'desc'),
        ...parsePage(dto.limit, dto.offset),
      }),
    );
    return toErrorGroups(await this.repository.query<ErrorGroupRow>(plan.query));
  }

  async events(projectId: number, fingerprintParam: string, dto: ErrorEventsQueryDto): Promise<ErrorEventsResponse> {
    const fingerprint = asBadRequest(() => parseFingerprint(fingerprintParam));
    const scope = parseScope(projectId, dto, this.limits);
    const queries = asBadRequest(() => compileErrorEvents({ ...scope, fingerprint, ...parsePage(dto.limit, dto.offset) }));
    const [rows, [count]] = await Promise.all([
      this.repository.query<ErrorEventRow>(queries.events),
      this.repository.query<{ total: number | string }>(queries.total),
    ]);
    const response = toErrorEventsResponse(fingerprint, rows, count?.total ?? 0);
    if (response.total === 0) throw new ApiError(404, `error group ${fingerprint} has no events in the time range and filters`);
    return response;
  }
}
