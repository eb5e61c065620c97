import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiParam } from '@nestjs/swagger';
import { TraceResponse, TracesService } from '@pulse/analytics';
import { ApiProjectEndpoint, ErrorBodyDto } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { TraceQueryDto, traceRequest } from './trace-query.dto';
import { TraceResponseDto } from './trace-response.dto';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class TracesController {
  constructor(
    private readonly traces: TracesService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** A trace's transactions and spans as one waterfall, and its errors. */
  @Get('traces/:traceId')
  @ApiProjectEndpoint({
    tag: 'traces',
    summary: 'A trace: its transactions and spans as a waterfall, and its errors',
    description:
      'Transactions and spans form one tree by `parent_span_id` (a child transaction hangs under the span that called it); both lists are in ' +
      'depth-first order by start time, with each row’s `depth` and `position` in the combined waterfall. A row whose parent was not found is a root.',
    ok: TraceResponseDto,
  })
  @ApiParam({ name: 'traceId', description: 'The trace id, 32 hex characters.', example: '0123456789abcdef0123456789abcdef' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Nothing of the trace was found in the project and time range.' })
  trace(@Param('projectId', ParseIntPipe) projectId: number, @Param('traceId') traceId: string, @Query() query: TraceQueryDto): Promise<TraceResponse> {
    return this.traces.trace(traceRequest(projectId, traceId, query, this.limits));
  }
}
