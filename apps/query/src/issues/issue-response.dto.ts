import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ISSUE_STATUSES, ISSUE_SUBSTATUSES } from '@pulse/issues';
import type { IssueBreakdown, IssueTagSummary, ReleaseEnvironmentTotals } from '@pulse/analytics';
import type { EventTrace, IssueStatus, IssueSubstatus, IssueSummary, StatusDetails } from '@pulse/issues';
import { ApiOpenKeys } from '../api-docs.decorators';
import { IssueActivityDto } from './issue-status.dto';

// The documented shapes of the @pulse/issues read results (Sentry's field names); `implements`
// keeps the two in step.

@ApiSchema({ description: 'A release as Sentry names it in an issue.' })
export class IssueReleaseDto {
  @ApiProperty({ example: '1.2.0' })
  version!: string;
}

@ApiSchema({ description: 'The project of an issue.' })
export class IssueProjectDto {
  @ApiProperty({ description: 'The project id, as a string (Sentry’s).', example: '1' })
  id!: string;

  @ApiProperty({ example: 'shop' })
  name!: string;
}

@ApiSchema({ description: 'How a resolution or an ignore was asked for (Sentry’s statusDetails); {} when there is nothing to say.' })
export class StatusDetailsDto implements StatusDetails {
  @ApiPropertyOptional() inNextRelease?: boolean;
  @ApiPropertyOptional() inRelease?: string;
  @ApiPropertyOptional({ description: 'ISO-8601.' }) ignoreUntil?: string;
  @ApiPropertyOptional() ignoreCount?: number;
  @ApiPropertyOptional({ description: 'Minutes.' }) ignoreWindow?: number;
  @ApiPropertyOptional() ignoreUserCount?: number;
  @ApiPropertyOptional({ description: 'Minutes.' }) ignoreUserWindow?: number;
}

@ApiSchema({ description: 'An issue with its events in the list’s range and filters (Sentry’s issue fields).' })
export class IssueSummaryDto implements IssueSummary {
  @ApiProperty({ description: 'The issue id, as a string (Sentry’s).', example: '42' })
  id!: string;

  @ApiProperty({ description: 'The project name in capitals, then the issue’s number in base 32.', example: 'SHOP-1A' })
  shortId!: string;

  @ApiProperty({ example: 'TypeError: x is undefined' })
  title!: string;

  @ApiProperty({ example: 'checkout(app.js)' })
  culprit!: string;

  @ApiProperty({ example: 'error' })
  level!: string;

  @ApiProperty({ enum: ISSUE_STATUSES, example: 'unresolved' })
  status!: IssueStatus;

  @ApiProperty({ enum: ISSUE_SUBSTATUSES, nullable: true, description: 'As it reads now: `new` and `regressed` read as `ongoing` after 7 days.', example: 'ongoing' })
  substatus!: IssueSubstatus | null;

  @ApiProperty({ type: StatusDetailsDto })
  statusDetails!: StatusDetails;

  @ApiProperty({ example: 'javascript' })
  platform!: string;

  @ApiProperty({ description: 'Events in the range and filters, as a string (Sentry’s).', example: '132' })
  count!: string;

  @ApiProperty({ description: 'Distinct users in the range and filters.', example: 41 })
  userCount!: number;

  @ApiProperty({ description: 'The issue’s first event ever (ISO-8601).', example: '2026-01-01T10:00:00.000Z' })
  firstSeen!: string;

  @ApiProperty({ description: 'The issue’s latest event (ISO-8601).', example: '2026-01-02T10:00:00.000Z' })
  lastSeen!: string;

  @ApiProperty({ type: IssueReleaseDto, nullable: true })
  firstRelease!: { version: string } | null;

  @ApiProperty({ type: IssueReleaseDto, nullable: true })
  lastRelease!: { version: string } | null;

  @ApiProperty({ type: IssueProjectDto })
  project!: { id: string; name: string };
}

@ApiSchema({ description: 'The trace an event belongs to.' })
export class EventTraceDto implements EventTrace {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef' })
  traceId!: string;

  @ApiProperty({ example: '0123456789abcdef' })
  spanId!: string;

  @ApiProperty({ description: 'GET of the trace on this API.', example: '/api/v1/projects/1/traces/0123456789abcdef0123456789abcdef' })
  link!: string;
}

@ApiOpenKeys({
  description:
    'One error event in full: exception chain, frames with context lines and in-app flags, breadcrumbs, request, tags, contexts, user; ' +
    'plus `trace` (null without one).',
  additionalProperties: {},
})
export class IssueEventDto {
  @ApiProperty({ example: '0123456789abcdef0123456789abcdef' })
  eventId!: string;

  @ApiProperty({ type: EventTraceDto, nullable: true })
  trace!: EventTrace | null;
}

@ApiSchema({ description: 'An issue’s events over its lifetime (within retention and QUERY_MAX_RANGE_DAYS).' })
export class IssueStatsDto implements IssueBreakdown {
  @ApiProperty({ example: 132 })
  count!: number;

  @ApiProperty({ example: 41 })
  userCount!: number;

  @ApiProperty({
    description: 'Events and users per release × environment (the 100 with most events), with first and last seen (epoch ms).',
    example: [{ release: '1.2.0', environment: 'production', count: 100, userCount: 30, firstSeenMs: 1767261600000, lastSeenMs: 1767348000000 }],
  })
  byReleaseEnvironment!: ReleaseEnvironmentTotals[];

  @ApiProperty({ description: 'The 10 most frequent values of each tag key.', example: [{ key: 'browser', values: [{ value: 'Chrome', count: 90 }] }] })
  topTags!: IssueTagSummary[];

  @ApiProperty({ description: 'The range read: first seen − 1 min to last seen + 1 min, at most QUERY_MAX_RANGE_DAYS.', example: { from: '2026-01-01T09:59:00.000Z', to: '2026-01-02T10:01:00.000Z' } })
  range!: { from: string; to: string };
}

@ApiSchema({ description: 'An issue with its latest event, its lifetime stats and its latest activity.' })
export class IssueDetailDto extends IssueSummaryDto {
  @ApiProperty({ type: IssueEventDto, nullable: true, description: 'Null when no event is within retention.' })
  latestEvent!: IssueEventDto | null;

  @ApiProperty({ type: IssueStatsDto })
  stats!: IssueStatsDto;

  @ApiProperty({ type: [IssueActivityDto], description: 'The latest 50 entries, newest first.' })
  activity!: IssueActivityDto[];
}

@ApiSchema({ description: 'Events of one issue per bucket.' })
export class IssueSeriesPointDto {
  @ApiProperty({ description: 'Start of the bucket (ISO-8601).', example: '2026-01-01T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: 12 })
  count!: number;
}

@ApiSchema({ description: 'The series of an issue.' })
export class IssueSeriesDto {
  @ApiProperty({ type: [IssueSeriesPointDto] })
  points!: IssueSeriesPointDto[];
}
