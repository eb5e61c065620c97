import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam, ApiResponse } from '@nestjs/swagger';
import { getIncident, IncidentView, listAlertDeliveries, listIncidents, releaseVerdict, ReleaseVerdictView } from '@pulse/alerts';
import { ApiError } from '@pulse/platform';
import type { Pool } from 'pg';
import { ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { POSTGRES_POOL, QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { DeliveryListQueryDto, deliveryListOptions, IncidentListQueryDto, incidentListOptions, parseId } from './alert-incidents-query.dto';
import { DeliveryListDto, IncidentDto, IncidentListDto, ReleaseVerdictDto } from './alert-incidents-response.dto';

const TAG = 'alerts';
const UNAVAILABLE = { status: 503, type: ErrorBodyDto, description: 'PostgreSQL cannot be reached; retry after `Retry-After` seconds.' };

/**
 * The alert history of a project: incidents with their deliveries, the outbox's deliveries, and
 * the last verdict of a release rule. Everything is in PostgreSQL (@pulse/alerts reads it);
 * PostgreSQL out of reach is a 503 (AnalyticsErrorsInterceptor). The rules themselves are
 * alert-rules.controller.ts.
 */
@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class AlertIncidentsController {
  constructor(
    @Inject(POSTGRES_POOL) private readonly pool: Pool,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  @Get('alert-incidents')
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Incidents active in the range, with their deliveries',
    description:
      'Issue alerts and release verdicts are instants (their start); a metric incident lasts until it resolved, so one that started earlier and ' +
      'was still open in the range is listed too. Newest start first; the range defaults to the last 24 hours.',
    ok: IncidentListDto,
  })
  @ApiResponse(UNAVAILABLE)
  async list(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: IncidentListQueryDto): Promise<{ data: IncidentView[] }> {
    return { data: await listIncidents(this.pool, projectId, incidentListOptions(query, Date.now(), this.limits.maxRangeDays)) };
  }

  @Get('alert-incidents/:id')
  @ApiProjectEndpoint({ tag: TAG, summary: 'One incident with its deliveries', ok: IncidentDto })
  @ApiParam({ name: 'id', description: 'The incident id.', example: 7 })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'The project has no such incident.' })
  @ApiResponse(UNAVAILABLE)
  async incident(@Param('projectId', ParseIntPipe) projectId: number, @Param('id') id: string): Promise<IncidentView> {
    const incident = await getIncident(this.pool, projectId, parseId('id', id) as number);
    if (incident === undefined) throw new ApiError(404, `project ${projectId} has no alert incident ${id}`);
    return incident;
  }

  @Get('alert-deliveries')
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Deliveries of the outbox created in the range',
    description: 'Newest first; the range defaults to the last 24 hours. `target` is the URL sent to with its credentials masked; secrets never appear.',
    ok: DeliveryListDto,
  })
  @ApiResponse(UNAVAILABLE)
  async deliveries(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: DeliveryListQueryDto): Promise<DeliveryListDto> {
    return { data: await listAlertDeliveries(this.pool, projectId, deliveryListOptions(query, Date.now(), this.limits.maxRangeDays)) };
  }

  @Get('alert-rules/:ruleId/verdict')
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'The last verdict of a release (canary) rule, with its evidence',
    description: '`verdict` is null until the rule was first evaluated.',
    ok: ReleaseVerdictDto,
  })
  @ApiParam({ name: 'ruleId', description: 'The release rule’s id.', example: 5 })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'The project has no such rule, or it is not a release rule.' })
  @ApiResponse(UNAVAILABLE)
  async verdict(@Param('projectId', ParseIntPipe) projectId: number, @Param('ruleId') ruleId: string): Promise<ReleaseVerdictView> {
    const lookup = await releaseVerdict(this.pool, projectId, parseId('ruleId', ruleId) as number);
    if (lookup.found === 'not_found') throw new ApiError(404, `project ${projectId} has no alert rule ${ruleId}`);
    if (lookup.found === 'not_release') throw new ApiError(404, `alert rule ${ruleId} is a ${lookup.kind} rule; only release rules have a verdict`);
    return lookup.view;
  }
}
