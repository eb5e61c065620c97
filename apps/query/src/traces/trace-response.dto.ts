import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { TraceError, TraceResponse, TraceSpan, TraceTransaction } from '@pulse/analytics';

// The documented shapes of the @pulse/analytics results; `implements` keeps the two in step.

const DEPTH = { description: 'Nesting in the waterfall: 0 for a root (the trace’s root transaction, or a row whose parent was not found).', example: 1 };
const POSITION = { description: 'Index of the row in the depth-first order of transactions and spans together, from 0.', example: 3 };

@ApiSchema({ description: 'A transaction (segment) of the trace.' })
export class TraceTransactionDto implements TraceTransaction {
  @ApiProperty({ example: '9f0c3a1e5b7d4c2a8e6f1b3d5a7c9e0f' })
  event_id!: string;

  @ApiProperty({ example: 'a1b2c3d4e5f60718' })
  span_id!: string;

  @ApiProperty({ description: "The span that called it; '' for the root transaction.", example: '' })
  parent_span_id!: string;

  @ApiProperty({ example: 'GET /checkout' })
  name!: string;

  @ApiProperty({ example: 'http.server' })
  op!: string;

  @ApiProperty({ example: 'ok' })
  status!: string;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506300000 })
  start!: number;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506300500 })
  end!: number;

  @ApiProperty({ example: 500 })
  duration_ms!: number;

  @ApiProperty({ example: '1.1.0' })
  release!: string;

  @ApiProperty({ example: 'production' })
  environment!: string;

  @ApiProperty(DEPTH)
  depth!: number;

  @ApiProperty(POSITION)
  position!: number;
}

@ApiSchema({ description: 'A child span of a transaction of the trace.' })
export class TraceSpanDto implements TraceSpan {
  @ApiProperty({ example: 'b1c2d3e4f5a60718' })
  span_id!: string;

  @ApiProperty({ example: 'a1b2c3d4e5f60718' })
  parent_span_id!: string;

  @ApiProperty({ description: 'Span id of the transaction the span was sent with.', example: 'a1b2c3d4e5f60718' })
  segment_id!: string;

  @ApiProperty({ example: 'db.query' })
  op!: string;

  @ApiProperty({ example: 'SELECT * FROM orders WHERE id = %s' })
  description!: string;

  @ApiProperty({ example: 'ok' })
  status!: string;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506300010 })
  start!: number;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506300300 })
  end!: number;

  @ApiProperty({ example: 290 })
  duration_ms!: number;

  @ApiProperty(DEPTH)
  depth!: number;

  @ApiProperty(POSITION)
  position!: number;
}

@ApiSchema({ description: 'An error event of the trace.' })
export class TraceErrorDto implements TraceError {
  @ApiProperty({ example: '0f9e8d7c6b5a49382716a5b4c3d2e1f0' })
  event_id!: string;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506300145 })
  timestamp!: number;

  @ApiProperty({ example: 'Error: payment declined' })
  title!: string;

  @ApiProperty({ example: 'error' })
  level!: string;

  @ApiProperty({ description: "The span active when it happened; '' if unknown.", example: 'b1c2d3e4f5a60718' })
  span_id!: string;

  @ApiProperty({ description: 'Its error group (GET errors/{fingerprint}/events).', example: '6f1e0c5b2a9d4e8f7a3b1c0d9e8f7a6b' })
  fingerprint!: string;
}

@ApiSchema({ description: 'A trace as a waterfall.' })
export class TraceResponseDto implements TraceResponse {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef' })
  trace_id!: string;

  @ApiProperty({ description: 'Earliest start over everything found, epoch milliseconds.', example: 1795506300000 })
  start!: number;

  @ApiProperty({ description: 'Latest end over everything found, epoch milliseconds.', example: 1795506300600 })
  end!: number;

  @ApiProperty({ example: 600 })
  duration_ms!: number;

  @ApiProperty({ type: [TraceTransactionDto], description: 'In waterfall order; at most 1000.' })
  transactions!: TraceTransactionDto[];

  @ApiProperty({ type: [TraceSpanDto], description: 'In waterfall order; at most 10,000.' })
  spans!: TraceSpanDto[];

  @ApiProperty({ type: [TraceErrorDto], description: 'By time; at most 1000.' })
  errors!: TraceErrorDto[];

  @ApiProperty({ description: 'True when the trace had more transactions, spans or errors than the limits and the latest ones were left out.', example: false })
  truncated!: boolean;
}
