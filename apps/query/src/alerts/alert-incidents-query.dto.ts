import { ApiPropertyOptional } from '@nestjs/swagger';
import { checkRangeLength, parseTimestamp, QueryParameterError, TimeRange } from '@pulse/analytics';
import { AlertRuleKind, DELIVERY_STATES, DeliveryListOptions, DeliveryState, INCIDENT_KINDS, IncidentListOptions, MAX_LIST_LIMIT } from '@pulse/alerts';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The query strings of the alert history endpoints (incidents, deliveries) and their conversion
 * to the options of @pulse/alerts: a range (default the last 24 hours, at most
 * QUERY_MAX_RANGE_DAYS), filters and a limit. Every wrong value is a QueryParameterError (400).
 */

/** The default range of the alert history: the last 24 hours. */
export const DEFAULT_HISTORY_MS = 24 * 3_600_000;

class HistoryRangeDto {
  @ApiPropertyOptional({ description: 'Start of the range (ISO-8601 or epoch ms); by default 24 hours before `to`.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ description: 'End of the range (ISO-8601 or epoch ms, exclusive); by default now. At most QUERY_MAX_RANGE_DAYS after `from`.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @ApiPropertyOptional({ description: `At most this many, 1–${MAX_LIST_LIMIT}.`, default: '100' })
  @IsOptional()
  @IsString()
  @MaxLength(5)
  limit?: string;

  @ApiPropertyOptional({ description: 'Only those of this alert rule (its id).' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  rule?: string;
}

/** GET alert-incidents. */
export class IncidentListQueryDto extends HistoryRangeDto {
  @ApiPropertyOptional({ description: 'Only incidents of this kind: `issue`, `metric` or `release`.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  kind?: string;

  @ApiPropertyOptional({ description: 'Only incidents with this status: `triggered` (issue), `warning`, `critical`, `resolved` (metric), `pass`, `marginal`, `fail` (release).' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  status?: string;
}

/** GET alert-deliveries. */
export class DeliveryListQueryDto extends HistoryRangeDto {
  @ApiPropertyOptional({ description: 'Only deliveries in this state: `pending`, `delivered` or `failed`.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  state?: string;

  @ApiPropertyOptional({ description: 'Only deliveries of this incident (its id).' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  incident?: string;
}

const given = (raw: string | undefined): string | undefined => (raw === undefined || raw.trim() === '' ? undefined : raw.trim());

/** The range: `to` defaults to now, `from` to 24 hours before `to`; to after from, at most `maxRangeDays` long. */
export function historyRange(from: string | undefined, to: string | undefined, nowMs: number, maxRangeDays: number): TimeRange {
  const toText = given(to);
  const fromText = given(from);
  const toMs = toText === undefined ? nowMs : parseTimestamp('to', toText);
  const fromMs = fromText === undefined ? Math.max(0, toMs - DEFAULT_HISTORY_MS) : parseTimestamp('from', fromText);
  if (toMs <= fromMs) throw new QueryParameterError('to must be after from');
  const range = { fromMs, toMs };
  checkRangeLength(range, maxRangeDays);
  return range;
}

/** A positive integer id of a query parameter; undefined when not given. */
export function parseId(name: string, raw: string | undefined): number | undefined {
  const text = given(raw);
  if (text === undefined) return undefined;
  const id = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new QueryParameterError(`${name}=${JSON.stringify(raw)} must be a positive integer id`);
  return id;
}

function parseLimit(raw: string | undefined): number | undefined {
  const text = given(raw);
  if (text === undefined) return undefined;
  const limit = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new QueryParameterError(`limit=${JSON.stringify(raw)} must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  return limit;
}

function parseOneOf<T extends string>(name: string, raw: string | undefined, values: readonly T[]): T | undefined {
  const text = given(raw);
  if (text === undefined) return undefined;
  if (!(values as readonly string[]).includes(text)) throw new QueryParameterError(`${name}=${JSON.stringify(raw)} must be one of ${values.join(', ')}`);
  return text as T;
}

/** The options of listIncidents for GET alert-incidents. */
export function incidentListOptions(dto: IncidentListQueryDto, nowMs: number, maxRangeDays: number): IncidentListOptions {
  return {
    ...historyRange(dto.from, dto.to, nowMs, maxRangeDays),
    limit: parseLimit(dto.limit),
    ruleId: parseId('rule', dto.rule),
    kind: parseOneOf<AlertRuleKind>('kind', dto.kind, INCIDENT_KINDS),
    status: given(dto.status),
  };
}

/** The options of listAlertDeliveries for GET alert-deliveries. */
export function deliveryListOptions(dto: DeliveryListQueryDto, nowMs: number, maxRangeDays: number): DeliveryListOptions {
  return {
    ...historyRange(dto.from, dto.to, nowMs, maxRangeDays),
    limit: parseLimit(dto.limit),
    ruleId: parseId('rule', dto.rule),
    incidentId: parseId('incident', dto.incident),
    state: parseOneOf<DeliveryState>('state', dto.state, DELIVERY_STATES),
  };
}
