import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { MAX_RULES_PER_PROJECT, REDACTED, RULE_KINDS } from '@pulse/alerts';
import { ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard, RequiresWrite, TokenActor } from '../bearer-token.guard';
import { AlertRuleDefinitionDto, AlertRuleDto, AlertRuleListDto, AlertRuleView } from './alert-rules.dto';
import { AlertRulesService } from './alert-rules.service';

const TAG = 'alerts';
const RULE_PARAM = { name: 'ruleId', description: 'The rule id.', example: 7 };
const NOT_FOUND = { type: ErrorBodyDto, description: 'The project has no such rule.' };
const UNAVAILABLE = { status: 503, type: ErrorBodyDto, description: 'PostgreSQL cannot be reached; retry after `Retry-After` seconds.' };
const BODY = {
  type: AlertRuleDefinitionDto,
  description:
    'The rule definition as JSON. An invalid rule is a 400 whose `problems` (also `causes`) name each field that is wrong. ' +
    `Secrets are answered as "${REDACTED}"; a PUT that sends "${REDACTED}" back keeps the stored secret of the action at the same place ` +
    'with the same type and url (as Grafana does with its secure fields). Needs a token with the `write` scope (403 otherwise).',
};

/**
 * Alert rules as data (POST, GET, PUT, DELETE …/alert-rules): the body goes, unvalidated by a DTO,
 * to parseAlertRule of @pulse/alerts through AlertRulesService; the history of what rules did is
 * alert-incidents.controller.ts.
 */
@Controller('api/v1/projects/:projectId/alert-rules')
@UseGuards(BearerTokenGuard)
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Post()
  @RequiresWrite()
  @ApiProjectEndpoint({ tag: TAG, summary: 'Create an alert rule (issue, metric or release)', ok: AlertRuleDto, status: 201 })
  @ApiBody(BODY)
  @ApiConflictResponse({ type: ErrorBodyDto, description: `The project already has ${MAX_RULES_PER_PROJECT} rules.` })
  @ApiResponse(UNAVAILABLE)
  create(@Param('projectId', ParseIntPipe) projectId: number, @Body() body: unknown, @TokenActor() actor: string): Promise<AlertRuleView> {
    return this.rules.create(projectId, body, actor);
  }

  @Get()
  @ApiProjectEndpoint({ tag: TAG, summary: 'The alert rules of a project, oldest first (secrets redacted)', ok: AlertRuleListDto })
  @ApiQuery({ name: 'kind', required: false, enum: RULE_KINDS, description: 'Only rules of this kind.' })
  @ApiResponse(UNAVAILABLE)
  list(@Param('projectId', ParseIntPipe) projectId: number, @Query('kind') kind: string | undefined): Promise<{ data: AlertRuleView[] }> {
    return this.rules.list(projectId, kind);
  }

  @Get(':ruleId')
  @ApiProjectEndpoint({ tag: TAG, summary: 'One alert rule (secrets redacted)', ok: AlertRuleDto })
  @ApiParam(RULE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiResponse(UNAVAILABLE)
  get(@Param('projectId', ParseIntPipe) projectId: number, @Param('ruleId') ruleId: string): Promise<AlertRuleView> {
    return this.rules.get(projectId, ruleId);
  }

  @Put(':ruleId')
  @RequiresWrite()
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Replace an alert rule',
    description: 'The whole definition (left-out fields get their defaults). The version goes up by one and the rule starts again from OK.',
    ok: AlertRuleDto,
  })
  @ApiParam(RULE_PARAM)
  @ApiBody(BODY)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The rule is provisioned from a file: change it there.' })
  @ApiResponse(UNAVAILABLE)
  replace(@Param('projectId', ParseIntPipe) projectId: number, @Param('ruleId') ruleId: string, @Body() body: unknown, @TokenActor() actor: string): Promise<AlertRuleView> {
    return this.rules.replace(projectId, ruleId, body, actor);
  }

  @Delete(':ruleId')
  @RequiresWrite()
  @HttpCode(204)
  @ApiProjectEndpoint({ tag: TAG, summary: 'Delete an alert rule (its incidents stay, without the rule)', status: 204 })
  @ApiParam(RULE_PARAM)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The rule is provisioned from a file: delete it there.' })
  @ApiResponse(UNAVAILABLE)
  delete(@Param('projectId', ParseIntPipe) projectId: number, @Param('ruleId') ruleId: string): Promise<void> {
    return this.rules.delete(projectId, ruleId);
  }
}
