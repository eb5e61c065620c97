import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { checkRangeLength, parseScope, parseTimestamp, QueryParameterError, ScopeLimits, TimeRange } from '@pulse/analytics';
import {
  IssueListRequest,
  IssueSeriesRequest,
  ISSUE_STATUSES,
  ISSUE_SUBSTATUSES,
  IssueStatus,
  IssueSubstatus,
  parseCursor,
  parseIssueSort,
  parsePageSize,
} from '@pulse/issues';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Sentry's default stats period of an issue list: the last 14 days. */
export const DEFAULT_LIST_DAYS = 14;
const DAY_MS = 86_400_000;

/** release and environment: the filters issue reads take. */
class IssueFiltersDto {
  @ApiPropertyOptional({ description: 'Only events of this release (exact match), e.g. `shop@1.2.0`.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  release?: string;

  @ApiPropertyOptional({ description: 'Only events of this environment (exact match), e.g. `production`.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  environment?: string;
}

/** GET issues: Sentry's issue list parameters. */
export class IssueListQueryDto extends IssueFiltersDto {
  @ApiPropertyOptional({ description: '`unresolved`, `resolved`, `ignored` or `all`.', default: 'unresolved' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  status?: string;

  @ApiPropertyOptional({ description: 'Only this substatus as it reads now: `new`, `ongoing`, `regressed`, `escalating`, `archived_forever`, `archived_until_condition_met`.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  substatus?: string;

  @ApiPropertyOptional({ description: 'A title or culprit substring (case-insensitive), or a short id such as `SHOP-1A` (that issue first, whatever its status).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  query?: string;

  @ApiPropertyOptional({ description: '`lastSeen`, `firstSeen` (lifetime, newest first), `events` or `users` (in the range, most first).', default: 'lastSeen' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  sort?: string;

  @ApiPropertyOptional({ description: 'Start of the range counted (ISO-8601 or epoch ms); by default 14 days before `to`.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ description: 'End of the range counted (ISO-8601 or epoch ms); by default now.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @ApiPropertyOptional({ description: 'Issues per page, 1–100.', default: '25' })
  @IsOptional()
  @IsString()
  @MaxLength(4)
  limit?: string;

  @ApiPropertyOptional({ description: 'The page to read: a `cursor` of the previous answer’s Link header.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  cursor?: string;
}

/** GET issues/:issueId/series: a time range (required), the bucket width and the filters. */
export class IssueSeriesQueryDto extends IssueFiltersDto {
  @ApiProperty({ description: 'Start of the range (inclusive): ISO-8601 or epoch milliseconds.', example: '2026-01-01T00:00:00Z' })
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty({ description: 'End of the range (exclusive): ISO-8601 or epoch milliseconds; at most QUERY_MAX_RANGE_DAYS after from.', example: '1767312000000' })
  @IsString()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional({ description: 'Bucket width: `30s`, `5m`, `1h`, `1d` or milliseconds; widened to at most QUERY_MAX_POINTS buckets.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  interval?: string;
}

function parseStatus(raw: string | undefined): IssueStatus | 'all' {
  if (raw === undefined || raw === '') return 'unresolved';
  if (raw === 'all' || (ISSUE_STATUSES as readonly string[]).includes(raw)) return raw as IssueStatus | 'all';
  throw new QueryParameterError(`status=${JSON.stringify(raw)} must be one of ${ISSUE_STATUSES.join(', ')} or all`);
}

function parseSubstatus(raw: string | undefined): IssueSubstatus | undefined {
  if (raw === undefined || raw === '') return undefined;
  if ((ISSUE_SUBSTATUSES as readonly string[]).includes(raw)) return raw as IssueSubstatus;
  throw new QueryParameterError(`substatus=${JSON.stringify(raw)} must be one of ${ISSUE_SUBSTATUSES.join(', ')}`);
}

/** The counted range: `to` defaults to now, `from` to 14 days (at most QUERY_MAX_RANGE_DAYS) before `to`. */
export function listRange(from: string | undefined, to: string | undefined, nowMs: number, maxRangeDays: number): TimeRange {
  const toMs = to === undefined || to === '' ? nowMs : parseTimestamp('to', to);
  const fromMs = from === undefined || from === '' ? Math.max(0, toMs - Math.min(DEFAULT_LIST_DAYS, maxRangeDays) * DAY_MS) : parseTimestamp('from', from);
  if (toMs <= fromMs) throw new QueryParameterError('to must be after from');
  const range = { fromMs, toMs };
  checkRangeLength(range, maxRangeDays);
  return range;
}

/** The parsed request of GET issues; throws QueryParameterError (a 400) on the first wrong value. */
export function issueListRequest(projectId: number, dto: IssueListQueryDto, limits: ScopeLimits, nowMs: number): IssueListRequest {
  const query = dto.query?.trim();
  return {
    projectId,
    status: parseStatus(dto.status),
    substatus: parseSubstatus(dto.substatus),
    query: query === undefined || query === '' ? undefined : query,
    filters: { release: dto.release, environment: dto.environment },
    range: listRange(dto.from, dto.to, nowMs, limits.maxRangeDays),
    sort: parseIssueSort(dto.sort),
    limit: parsePageSize(dto.limit),
    offset: parseCursor(dto.cursor),
  };
}

/** The parsed request of GET issues/:issueId/series, under the limits of every series (parseScope). */
export function issueSeriesRequest(projectId: number, dto: IssueSeriesQueryDto, limits: ScopeLimits): IssueSeriesRequest {
  const scope = parseScope(projectId, dto, limits);
  return { range: scope.range, intervalMs: scope.intervalMs, filters: { release: scope.filters.release, environment: scope.filters.environment } };
}
