import { Controller, Get, Inject, Param, ParseIntPipe, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { IssueDetail, IssueListPage, IssueSummary, WithTrace } from '@pulse/issues';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ISSUE_READER, IssueEventDetail, QueryIssueReader } from './issue-read.providers';
import { IssueDetailDto, IssueEventDto, IssueSeriesDto, IssueSummaryDto } from './issue-response.dto';
import { IssueListQueryDto, issueListRequest, IssueSeriesQueryDto, issueSeriesRequest } from './issues-query.dto';

const ISSUE_PARAM = { name: 'issueId', description: 'The issue: its id or its short id.', example: 'SHOP-1A' };
const NOT_FOUND = { type: ErrorBodyDto, description: 'The project has no such issue.' };

/**
 * The issue read API (Sentry's field names): issues live in PostgreSQL, their events in
 * ClickHouse; @pulse/issues composes the two. The status changes (PUT) and the activity are
 * issue-status.controller.ts.
 */
@Controller('api/v1/projects/:projectId/issues')
@UseGuards(BearerTokenGuard)
export class IssuesController {
  constructor(
    @Inject(ISSUE_READER) private readonly reader: QueryIssueReader,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  @Get()
  @ApiProjectEndpoint({
    tag: 'issues',
    summary: 'Issues with events in the range, sorted and paged (Sentry’s issue list)',
    description:
      'Unresolved issues by default (`status=all` for every status). `count` and `userCount` are over the range (default: the last 14 days) and ' +
      'the filters; an issue without events there is not listed. The next page is the `cursor` of the `rel="next"` link of the `Link` header; ' +
      '`X-Hits` is the number of issues of the whole list.',
    ok: [IssueSummaryDto],
  })
  async list(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Query() query: IssueListQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueSummary[]> {
    const page = await this.reader.list(issueListRequest(projectId, query, this.limits, Date.now()));
    void reply.header('Link', linkHeader(request.url, page)).header('X-Hits', String(page.hits));
    return page.issues;
  }

  @Get(':issueId')
  @ApiProjectEndpoint({
    tag: 'issues',
    summary: 'An issue with its latest event, lifetime stats and activity',
    description:
      'Stats and the latest event are read over [first seen − 1 min, last seen + 1 min], at most QUERY_MAX_RANGE_DAYS ending at the last ' +
      'event, within retention.',
    ok: IssueDetailDto,
  })
  @ApiParam(ISSUE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  detail(@Param('projectId', ParseIntPipe) projectId: number, @Param('issueId') issueId: string): Promise<IssueDetail<IssueEventDetail>> {
    return this.reader.detail(projectId, issueId);
  }

  @Get(':issueId/events/:eventId')
  @ApiProjectEndpoint({ tag: 'issues', summary: 'One event of an issue: latest, oldest or by id', ok: IssueEventDto })
  @ApiParam(ISSUE_PARAM)
  @ApiParam({ name: 'eventId', description: '`latest`, `oldest` or an event id (32 hex characters).', example: 'latest' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'The project has no such issue, or the issue no such event within retention.' })
  event(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Param('issueId') issueId: string,
    @Param('eventId') eventId: string,
  ): Promise<WithTrace<IssueEventDetail>> {
    return this.reader.event(projectId, issueId, eventId);
  }

  @Get(':issueId/series')
  @ApiProjectEndpoint({ tag: 'issues', summary: 'Events of an issue per bucket', ok: IssueSeriesDto })
  @ApiParam(ISSUE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiResponse({ status: 503, type: ErrorBodyDto, description: 'ClickHouse is busy or unreachable; retry after `Retry-After` seconds.' })
  series(@Param('projectId', ParseIntPipe) projectId: number, @Param('issueId') issueId: string, @Query() query: IssueSeriesQueryDto): Promise<IssueSeriesDto> {
    return this.reader.series(projectId, issueId, issueSeriesRequest(projectId, query, this.limits));
  }
}

/** Sentry's Link header: the previous and next pages, each with whether it has results and its cursor. */
export function linkHeader(url: string, page: Pick<IssueListPage, 'previous' | 'next'>): string {
  const at = (cursor: string): string => {
    const [path, search = ''] = url.split('?', 2);
    const params = new URLSearchParams(search);
    params.set('cursor', cursor);
    return `${path}?${params.toString()}`;
  };
  return [
    `<${at(page.previous.cursor)}>; rel="previous"; results="${page.previous.results}"; cursor="${page.previous.cursor}"`,
    `<${at(page.next.cursor)}>; rel="next"; results="${page.next.results}"; cursor="${page.next.cursor}"`,
  ].join(', ');
}
