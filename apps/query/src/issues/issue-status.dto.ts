/**
 * The body of a status change (Sentry's PUT issues shape), its conversion to the StatusChange of
 * @pulse/issues, and the documented answers. Types and ranges are class-validator's (400 with each
 * problem named); which details go with which status is checked by statusChangeOf, and what needs
 * the project's releases by the workflow.
 */
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { QueryParameterError } from '@pulse/analytics';
import { ISSUE_STATUSES, ISSUE_SUBSTATUSES, MAX_IGNORE_WINDOW_MINUTES } from '@pulse/issues';
import type { IgnoreCondition, IssueActivity, IssueStatus, IssueSubstatus, StatusChange, StatusDetails } from '@pulse/issues';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

/** The statuses a change may ask for: ours, and Sentry's alias of resolved in the next release. */
export const REQUESTED_STATUSES = [...ISSUE_STATUSES, 'resolvedInNextRelease'] as const;
export type RequestedStatus = (typeof REQUESTED_STATUSES)[number];

/** The longest ignoreDuration: a year, in minutes (for longer, ignore without a condition). */
export const MAX_IGNORE_DURATION_MINUTES = 365 * 24 * 60;

const COUNT_LIMIT = 1_000_000_000;

@ApiSchema({ description: 'How to resolve or ignore (Sentry’s statusDetails). Resolutions: inNextRelease or inRelease; ignores: any of the ignore fields.' })
export class StatusDetailsRequestDto {
  @ApiPropertyOptional({ description: 'Resolved in the release after the latest one seen: events of a newer release regress it.' })
  @IsOptional()
  @IsBoolean()
  inNextRelease?: boolean;

  @ApiPropertyOptional({ description: 'Resolved in this release (semver, or a release the project has seen): events of a newer release regress it.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  inRelease?: string;

  @ApiPropertyOptional({ description: 'Ignored until this many more events (within ignoreWindow when given).', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(COUNT_LIMIT)
  ignoreCount?: number;

  @ApiPropertyOptional({ description: 'Minutes ignoreCount is counted in (at most 7 days).', minimum: 1, maximum: MAX_IGNORE_WINDOW_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_IGNORE_WINDOW_MINUTES)
  ignoreWindow?: number;

  @ApiPropertyOptional({ description: 'Ignored until this many more users are affected (within ignoreUserWindow when given).', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(COUNT_LIMIT)
  ignoreUserCount?: number;

  @ApiPropertyOptional({ description: 'Minutes ignoreUserCount is counted in (at most 7 days).', minimum: 1, maximum: MAX_IGNORE_WINDOW_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_IGNORE_WINDOW_MINUTES)
  ignoreUserWindow?: number;

  @ApiPropertyOptional({ description: 'Ignored for this many minutes from now.', minimum: 1, maximum: MAX_IGNORE_DURATION_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_IGNORE_DURATION_MINUTES)
  ignoreDuration?: number;

  @ApiPropertyOptional({ description: 'Ignored until this time (ISO-8601, in the future).', example: '2026-12-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  ignoreUntil?: string;
}

@ApiSchema({ description: 'A status change (Sentry’s PUT issues body).' })
export class IssueStatusChangeDto {
  @ApiProperty({ description: 'The new status; `resolvedInNextRelease` is Sentry’s alias of resolved with inNextRelease.', enum: REQUESTED_STATUSES, example: 'resolved' })
  @IsIn(REQUESTED_STATUSES, { message: `status must be one of ${REQUESTED_STATUSES.join(', ')}` })
  status!: RequestedStatus;

  @ApiPropertyOptional({ type: StatusDetailsRequestDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StatusDetailsRequestDto)
  statusDetails?: StatusDetailsRequestDto;
}

const RESOLUTION_FIELDS = ['inNextRelease', 'inRelease'] as const;
const IGNORE_FIELDS = ['ignoreCount', 'ignoreWindow', 'ignoreUserCount', 'ignoreUserWindow', 'ignoreDuration', 'ignoreUntil'] as const;

/** The StatusChange a body asks for, `nowMs` turning ignoreDuration into a time; 400 for a combination that makes no sense. */
export function statusChangeOf(body: IssueStatusChangeDto, nowMs: number): StatusChange {
  const details = body.statusDetails ?? {};
  const given = (fields: readonly (keyof StatusDetailsRequestDto)[]) => fields.filter((field) => details[field] !== undefined);
  const refuse = (fields: readonly string[], what: string) => {
    if (fields.length > 0) throw new QueryParameterError(`statusDetails.${fields.join(', statusDetails.')} cannot go with ${what}`);
  };
  switch (body.status) {
    case 'unresolved':
      refuse([...given(RESOLUTION_FIELDS), ...given(IGNORE_FIELDS)], 'status "unresolved"');
      return { status: 'unresolved' };
    case 'resolvedInNextRelease':
      refuse([...given(RESOLUTION_FIELDS), ...given(IGNORE_FIELDS)], 'status "resolvedInNextRelease"');
      return { status: 'resolved', resolution: { kind: 'in_next_release' } };
    case 'resolved': {
      refuse(given(IGNORE_FIELDS), 'status "resolved" (they are ignore conditions)');
      if (details.inNextRelease === true && details.inRelease !== undefined) throw new QueryParameterError('statusDetails.inNextRelease and statusDetails.inRelease exclude each other');
      if (details.inRelease !== undefined) return { status: 'resolved', resolution: { kind: 'in_release', release: details.inRelease } };
      return { status: 'resolved', resolution: { kind: details.inNextRelease === true ? 'in_next_release' : 'resolved' } };
    }
    case 'ignored':
      refuse(given(RESOLUTION_FIELDS), 'status "ignored" (they are resolutions)');
      return { status: 'ignored', ignore: ignoreConditionOf(details, nowMs) };
  }
}

function ignoreConditionOf(details: StatusDetailsRequestDto, nowMs: number): IgnoreCondition {
  if (details.ignoreDuration !== undefined && details.ignoreUntil !== undefined) {
    throw new QueryParameterError('statusDetails.ignoreDuration and statusDetails.ignoreUntil exclude each other: give one end of the ignore');
  }
  const untilMs = details.ignoreDuration !== undefined ? nowMs + details.ignoreDuration * 60_000 : details.ignoreUntil !== undefined ? Date.parse(details.ignoreUntil) : undefined;
  if (untilMs !== undefined && !(untilMs > nowMs)) throw new QueryParameterError(`statusDetails.ignoreUntil ${details.ignoreUntil} is not in the future`);
  const condition: IgnoreCondition = {};
  if (untilMs !== undefined) condition.untilMs = untilMs;
  if (details.ignoreCount !== undefined) condition.count = details.ignoreCount;
  if (details.ignoreWindow !== undefined) condition.windowMinutes = details.ignoreWindow;
  if (details.ignoreUserCount !== undefined) condition.userCount = details.ignoreUserCount;
  if (details.ignoreUserWindow !== undefined) condition.userWindowMinutes = details.ignoreUserWindow;
  return condition;
}

/** The `id` query values of a bulk change: 1 to MAX ids, each a positive integer; 400 otherwise. */
export function bulkIssueIdsOf(id: string | string[] | undefined, max: number): number[] {
  const values = id === undefined ? [] : Array.isArray(id) ? id : [id];
  if (values.length === 0) throw new QueryParameterError('name the issues to change: ?id=1&id=2 (a change of every issue is not offered)');
  if (values.length > max) throw new QueryParameterError(`at most ${max} issues per change, not ${values.length}`);
  return values.map((value) => {
    if (!/^[1-9]\d{0,14}$/.test(value)) throw new QueryParameterError(`id ${JSON.stringify(value)} is not an issue id`);
    return Number(value);
  });
}

@ApiSchema({ description: 'The status fields after a change (Sentry’s answer to PUT issues).' })
export class IssueStatusResponseDto {
  @ApiProperty({ enum: ISSUE_STATUSES })
  status!: IssueStatus;

  @ApiProperty({ enum: ISSUE_SUBSTATUSES, nullable: true, description: 'null for resolved.' })
  substatus!: IssueSubstatus | null;

  @ApiProperty({ description: 'inNextRelease / inRelease for a resolution; the ignore conditions (ignoreUntil as ISO-8601) for an ignore; {} otherwise.' })
  statusDetails!: StatusDetails;
}

@ApiSchema({ description: 'What an activity entry changed.' })
export class IssueActivityDataDto {
  @ApiProperty({ enum: ISSUE_STATUSES, nullable: true }) fromStatus!: IssueStatus | null;
  @ApiProperty({ enum: ISSUE_STATUSES, nullable: true }) toStatus!: IssueStatus | null;
  @ApiProperty({ enum: ISSUE_SUBSTATUSES, nullable: true }) fromSubstatus!: IssueSubstatus | null;
  @ApiProperty({ enum: ISSUE_SUBSTATUSES, nullable: true }) toSubstatus!: IssueSubstatus | null;
  @ApiProperty({ description: 'The statusDetails of a status change; what the processor noted for a regression or an escalation.' })
  statusDetails!: Record<string, unknown>;
}

@ApiSchema({ description: 'One entry of an issue’s history, newest first.' })
export class IssueActivityDto {
  @ApiProperty({ example: '7' }) id!: string;
  @ApiProperty({ enum: ['first_seen', 'set_status', 'set_regression', 'set_escalating'] }) type!: IssueActivity['kind'];
  @ApiProperty({ description: 'The name of the token that made the change (`token:` and 8 hex of its SHA-256 without one), or `system`.', example: 'deploy-bot' })
  user!: string;
  @ApiProperty({ example: '2026-03-01T12:00:00.000Z' }) dateCreated!: string;
  @ApiProperty({ type: IssueActivityDataDto }) data!: IssueActivityDataDto;
}
