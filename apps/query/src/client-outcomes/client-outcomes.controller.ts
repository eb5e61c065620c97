import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { ClientOutcomes, ClientOutcomesService } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ClientOutcomesQueryDto, clientOutcomesRequest } from './client-outcomes-query.dto';
import { ClientOutcomesDto } from './client-outcomes-response.dto';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class ClientOutcomesController {
  constructor(
    private readonly clientOutcomes: ClientOutcomesService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** Dropped by the client: what the SDKs discarded before sending, per reason and category. */
  @Get('client-outcomes')
  @ApiProjectEndpoint({
    tag: 'client-outcomes',
    summary: 'Dropped by the client: items the SDKs discarded, per reason and category',
    description:
      'What the SDKs reported discarding before sending (client reports: rate-limit back-off, a full queue, sampling, ' +
      '`before_send`, network errors…), summed per reason and data category over the range; with `interval`, per bucket too. ' +
      'Filters: release and environment only.',
    ok: ClientOutcomesDto,
  })
  @ApiAnalyticsQuery()
  outcomes(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: ClientOutcomesQueryDto): Promise<ClientOutcomes> {
    return this.clientOutcomes.outcomes(clientOutcomesRequest(projectId, query, this.limits));
  }
}
