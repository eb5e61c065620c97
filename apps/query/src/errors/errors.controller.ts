import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam } from '@nestjs/swagger';
import { ErrorEventsResponse, ErrorGroup, ErrorsService } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ErrorEventsQueryDto, errorEventsRequest, ErrorGroupsQueryDto, errorGroupsRequest } from './errors-query.dto';
import { ErrorEventsResponseDto, ErrorGroupDto } from './errors-response.dto';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class ErrorsController {
  constructor(
    private readonly errors: ErrorsService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** Error groups with count, users, first/last seen, releases and unhandled count. */
  @Get('errors')
  @ApiProjectEndpoint({
    tag: 'errors',
    summary: 'Error groups: count, users, first and last seen, releases',
    description: 'One entry per error group (fingerprint) with events in the range that match the filters, sorted and paged.',
    ok: [ErrorGroupDto],
  })
  @ApiAnalyticsQuery()
  groups(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: ErrorGroupsQueryDto): Promise<ErrorGroup[]> {
    return this.errors.groups(errorGroupsRequest(projectId, query, this.limits));
  }

  /** The events of one group, newest first, with their exception chains. */
  @Get('errors/:fingerprint/events')
  @ApiProjectEndpoint({
    tag: 'errors',
    summary: 'Events of an error group, newest first',
    description: 'A page of the events of one group in the range that match the filters, each with its exception chain and stack frames.',
    ok: ErrorEventsResponseDto,
  })
  @ApiParam({ name: 'fingerprint', description: 'The group, 32 hex characters (`fingerprint` of GET errors).', example: '6f1e0c5b2a9d4e8f7a3b1c0d9e8f7a6b' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'The group has no events in the range and filters.' })
  @ApiAnalyticsQuery()
  events(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Param('fingerprint') fingerprint: string,
    @Query() query: ErrorEventsQueryDto,
  ): Promise<ErrorEventsResponse> {
    return this.errors.events(errorEventsRequest(projectId, fingerprint, query, this.limits));
  }
}
