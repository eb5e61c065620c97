import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { GrafanaBody } from './grafana-body.decorator';
import type { GrafanaFrame } from './grafana-frames';
import {
  GrafanaAnnotationRequestDto,
  GrafanaMetricsRequestDto,
  GrafanaPayloadOptionsRequestDto,
  GrafanaQueryRequestDto,
  GrafanaTagValuesRequestDto,
  GrafanaVariableRequestDto,
} from './grafana-request.dto';
import {
  GrafanaAnnotationEventDto,
  GrafanaFrameDto,
  GrafanaMetricDto,
  GrafanaOptionDto,
  GrafanaStatusDto,
  GrafanaTagKeyDto,
  GrafanaTagValueDto,
  GrafanaVariableValueDto,
} from './grafana-response.dto';
import { GrafanaService } from './grafana.service';

const TAG = 'grafana';

/**
 * The protocol of Grafana's JSON datasource plugin (simpod-json-datasource): point one Grafana
 * datasource at `/api/v1/projects/<id>/grafana` with the project's bearer token. Every POST
 * answers 200: the plugin's backend variant turns any other status of a resource call into a 404.
 */
@Controller('api/v1/projects/:projectId/grafana')
@UseGuards(BearerTokenGuard)
export class GrafanaController {
  constructor(private readonly grafana: GrafanaService) {}

  @Get()
  @ApiProjectEndpoint({ tag: TAG, summary: 'Datasource health ("Save & test")', ok: GrafanaStatusDto })
  health(@Param('projectId', ParseIntPipe) _projectId: number): GrafanaStatusDto {
    return { status: 'ok' };
  }

  @Post('metrics')
  @HttpCode(200)
  @ApiProjectEndpoint({ tag: TAG, summary: 'The queryable targets and their payload fields', ok: [GrafanaMetricDto] })
  @ApiBody({ type: GrafanaMetricsRequestDto, required: false })
  metrics(@Param('projectId', ParseIntPipe) _projectId: number, @GrafanaBody() body: GrafanaMetricsRequestDto): GrafanaMetricDto[] {
    return this.grafana.metrics(body);
  }

  @Post('metric-payload-options')
  @HttpCode(200)
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'The choices of a payload dropdown',
    description: 'Releases, environments, transaction names, pages or vitals seen in the project in the last 30 days (or `range`), at most 500.',
    ok: [GrafanaOptionDto],
  })
  @ApiBody({ type: GrafanaPayloadOptionsRequestDto })
  payloadOptions(@Param('projectId', ParseIntPipe) projectId: number, @GrafanaBody() body: GrafanaPayloadOptionsRequestDto): Promise<GrafanaOptionDto[]> {
    return this.grafana.payloadOptions(projectId, body);
  }

  @Post('query')
  @HttpCode(200)
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Panel data and annotations',
    description: 'One or more time series or tables per target; hidden targets are skipped. Ad-hoc filters (`filters` or `adhocFilters`) take `=` only.',
    ok: [GrafanaFrameDto],
  })
  @ApiBody({ type: GrafanaQueryRequestDto })
  query(@Param('projectId', ParseIntPipe) projectId: number, @GrafanaBody() body: GrafanaQueryRequestDto): Promise<GrafanaFrame[]> {
    return this.grafana.query(projectId, body);
  }

  @Post('annotations')
  @HttpCode(200)
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Alert incidents and deploys as annotations (simple-json protocol)',
    description:
      'For plugin versions before 0.4.2 and the simple-json datasource; later versions send annotation queries to /query (targets `annotations`, ' +
      '`annotations.alerts`, `annotations.releases`). `annotation.query`: `alerts`, `releases`, or both separated by a comma (empty: both).',
    ok: [GrafanaAnnotationEventDto],
  })
  @ApiBody({ type: GrafanaAnnotationRequestDto })
  annotations(@Param('projectId', ParseIntPipe) projectId: number, @GrafanaBody() body: GrafanaAnnotationRequestDto): Promise<GrafanaAnnotationEventDto[]> {
    return this.grafana.annotations(projectId, body);
  }

  @Post('variable')
  @HttpCode(200)
  @ApiProjectEndpoint({
    tag: TAG,
    summary: 'Template variable values',
    description: 'Query `releases`, `environments`, `transactions`, `pages` or `vitals`: the values seen in the range (30 days by default), at most 500.',
    ok: [GrafanaVariableValueDto],
  })
  @ApiBody({ type: GrafanaVariableRequestDto })
  variable(@Param('projectId', ParseIntPipe) projectId: number, @GrafanaBody() body: GrafanaVariableRequestDto): Promise<GrafanaVariableValueDto[]> {
    return this.grafana.variable(projectId, body);
  }

  @Post('tag-keys')
  @HttpCode(200)
  @ApiProjectEndpoint({ tag: TAG, summary: 'Ad-hoc filter keys', ok: [GrafanaTagKeyDto] })
  tagKeys(@Param('projectId', ParseIntPipe) _projectId: number): GrafanaTagKeyDto[] {
    return this.grafana.tagKeys();
  }

  @Post('tag-values')
  @HttpCode(200)
  @ApiProjectEndpoint({ tag: TAG, summary: 'Values of an ad-hoc filter key', ok: [GrafanaTagValueDto] })
  @ApiBody({ type: GrafanaTagValuesRequestDto })
  tagValues(@Param('projectId', ParseIntPipe) projectId: number, @GrafanaBody() body: GrafanaTagValuesRequestDto): Promise<GrafanaTagValueDto[]> {
    return this.grafana.tagValues(projectId, body);
  }
}
