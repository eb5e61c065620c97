import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ErrorEvent, ErrorEventsResponse, ErrorGroup } from '@pulse/analytics';
import type { ExceptionRecord, StackFrame } from '@pulse/model';

// The documented shapes of the @pulse/analytics results; `implements` keeps the two in step.

@ApiSchema({ description: 'An error group (all events with one fingerprint) over the range and filters.' })
export class ErrorGroupDto implements ErrorGroup {
  @ApiProperty({ description: 'The grouping hash, 32 hex characters.', example: '6f1e0c5b2a9d4e8f7a3b1c0d9e8f7a6b' })
  fingerprint!: string;

  @ApiProperty({ description: 'Short title: the outermost exception type and value, or the message.', example: 'TypeError: x is undefined' })
  title!: string;

  @ApiProperty({ description: 'Where it happened: the transaction, or the in-app function of the raising frame.', example: 'checkout(app.js)' })
  culprit!: string;

  @ApiProperty({ description: 'Level of the group’s latest events.', example: 'error' })
  level!: string;

  @ApiProperty({ description: 'Events.', example: 132 })
  count!: number;

  @ApiProperty({ description: 'Distinct users with at least one event (events without a user id do not count).', example: 41 })
  users!: number;

  @ApiProperty({ description: 'First event in the range, epoch milliseconds.', example: 1795499112345 })
  first_seen!: number;

  @ApiProperty({ description: 'Last event in the range, epoch milliseconds.', example: 1795506301234 })
  last_seen!: number;

  @ApiProperty({ type: [String], description: 'Releases with events in the range, sorted; events without a release are not listed.', example: ['1.0.0', '1.1.0'] })
  releases!: string[];

  @ApiProperty({ description: 'Events with an unhandled exception.', example: 12 })
  unhandled!: number;
}

@ApiSchema({ description: 'One frame of a stack trace.' })
export class StackFrameDto implements StackFrame {
  @ApiProperty({ example: 'app.js' })
  filename!: string;

  @ApiProperty({ example: 'https://shop.example/app.js' })
  absPath!: string;

  @ApiProperty({ example: 'checkout' })
  function!: string;

  @ApiProperty({ example: '' })
  module!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 42 })
  lineno!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 7 })
  colno!: number | null;

  @ApiProperty({ description: 'The frame is the application’s code, not a library’s.', example: true })
  inApp!: boolean;

  @ApiProperty({ example: '  total += item.price;' })
  contextLine!: string;
}

@ApiSchema({ description: 'One exception of a chain.' })
export class ExceptionDto implements ExceptionRecord {
  @ApiProperty({ example: 'TypeError' })
  type!: string;

  @ApiProperty({ example: 'x is undefined' })
  value!: string;

  @ApiProperty({ description: 'How it was caught: `onerror`, `generic`, …', example: 'onerror' })
  mechanism!: string;

  @ApiProperty({ example: false })
  handled!: boolean;

  @ApiProperty({ type: [StackFrameDto], description: 'Oldest first; the last frame raised.' })
  frames!: StackFrameDto[];
}

@ApiSchema({ description: 'One error event.' })
export class ErrorEventDto implements ErrorEvent {
  @ApiProperty({ example: '9f0c3a1e5b7d4c2a8e6f1b3d5a7c9e0f' })
  event_id!: string;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795506301234 })
  timestamp!: number;

  @ApiProperty({ example: 'error' })
  level!: string;

  @ApiProperty({ example: 'TypeError: x is undefined' })
  title!: string;

  @ApiProperty({ example: '' })
  message!: string;

  @ApiProperty({ example: 'checkout(app.js)' })
  culprit!: string;

  @ApiProperty({ description: 'False when any exception of the chain was unhandled.', example: false })
  handled!: boolean;

  @ApiProperty({ example: '1.1.0' })
  release!: string;

  @ApiProperty({ example: 'production' })
  environment!: string;

  @ApiProperty({ example: '/checkout' })
  transaction!: string;

  @ApiProperty({ description: "'' when the event was not part of a trace.", example: '0123456789abcdef0123456789abcdef' })
  trace_id!: string;

  @ApiProperty({ example: '0123456789abcdef' })
  span_id!: string;

  @ApiProperty({ example: 'user-42' })
  user_id!: string;

  @ApiProperty({ example: 'Chrome' })
  browser!: string;

  @ApiProperty({ example: 'Windows' })
  os!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { region: 'eu' } })
  tags!: Record<string, string>;

  @ApiProperty({ type: [ExceptionDto], description: 'The exception chain, outermost last, with stack frames.' })
  exceptions!: ExceptionDto[];
}

@ApiSchema({ description: 'A page of the events of one error group, newest first.' })
export class ErrorEventsResponseDto implements ErrorEventsResponse {
  @ApiProperty({ example: '6f1e0c5b2a9d4e8f7a3b1c0d9e8f7a6b' })
  fingerprint!: string;

  @ApiProperty({ type: [ErrorEventDto] })
  events!: ErrorEventDto[];

  @ApiProperty({ description: 'Events of the group in the range and filters, over all pages.', example: 132 })
  total!: number;
}
