import { Body, Controller, Get, Param, ParseIntPipe, Put, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam, ApiQuery } from '@nestjs/swagger';
import { MAX_ISSUES_PER_CHANGE } from '@pulse/issues';
import { ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard, RequiresWrite, TokenActor } from '../bearer-token.guard';
import { IssueActivityDto, IssueStatusChangeDto, IssueStatusResponseDto } from './issue-status.dto';
import { IssueStatusService } from './issue-status.service';

const ISSUE_PARAM = { name: 'issueId', description: 'The issue: its id or its short id.', example: 'SHOP-1A' };
const NOT_FOUND = { type: ErrorBodyDto, description: 'The project has no such issue.' };
const CHANGE_DESCRIPTION =
  'Sentry’s body: `{"status": "resolved"}`, with `statusDetails` `{"inNextRelease": true}` or `{"inRelease": "1.2.0"}`; ' +
  '`{"status": "resolvedInNextRelease"}`; `{"status": "ignored"}` with any of `ignoreCount`/`ignoreWindow`, `ignoreUserCount`/`ignoreUserWindow` ' +
  '(windows in minutes, at most 7 days), `ignoreDuration` (minutes) or `ignoreUntil` (ISO-8601); `{"status": "unresolved"}`. ' +
  'Needs a token with the `write` scope (403 otherwise). Every change is recorded in the issue’s activity with the token’s name.';

/**
 * The issue write API (Sentry's PUT issues) and an issue's history: status changes go through
 * the IssueWorkflow of @pulse/issues in one transaction each; the reads are issues.controller.ts.
 */
@Controller('api/v1/projects/:projectId/issues')
@UseGuards(BearerTokenGuard)
export class IssueStatusController {
  constructor(private readonly issues: IssueStatusService) {}

  @Put(':issueId')
  @RequiresWrite()
  @ApiProjectEndpoint({ tag: 'issues', summary: 'Resolve, ignore or unresolve an issue', description: CHANGE_DESCRIPTION, ok: IssueStatusResponseDto })
  @ApiParam(ISSUE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  change(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Param('issueId') issueId: string,
    @Body() body: IssueStatusChangeDto,
    @TokenActor() actor: string,
  ): Promise<IssueStatusResponseDto> {
    return this.issues.changeOne(projectId, issueId, body, actor);
  }

  @Put()
  @RequiresWrite()
  @ApiProjectEndpoint({
    tag: 'issues',
    summary: `Resolve, ignore or unresolve up to ${MAX_ISSUES_PER_CHANGE} issues at once`,
    description: `${CHANGE_DESCRIPTION} All of the issues change, or none (404 naming the ids that are not in the project).`,
    ok: IssueStatusResponseDto,
  })
  @ApiQuery({ name: 'id', type: [String], description: `The issue ids (\`?id=1&id=2\`), 1 to ${MAX_ISSUES_PER_CHANGE}; without any, 400.` })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Some of the ids are not issues of the project; nothing was changed.' })
  changeMany(
    @Param('projectId', ParseIntPipe) projectId: number,
    @Query('id') ids: string | string[] | undefined,
    @Body() body: IssueStatusChangeDto,
    @TokenActor() actor: string,
  ): Promise<IssueStatusResponseDto> {
    return this.issues.changeMany(projectId, ids, body, actor);
  }

  @Get(':issueId/activity')
  @ApiProjectEndpoint({ tag: 'issues', summary: 'An issue’s history: first seen, status changes, regressions, escalations (newest first)', ok: [IssueActivityDto] })
  @ApiParam(ISSUE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  activity(@Param('projectId', ParseIntPipe) projectId: number, @Param('issueId') issueId: string): Promise<IssueActivityDto[]> {
    return this.issues.activity(projectId, issueId);
  }
}
