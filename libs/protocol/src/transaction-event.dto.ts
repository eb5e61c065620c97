import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * The part of a Sentry transaction event Pulse reads (store endpoint / `transaction` envelope
 * item). Unknown fields are allowed and ignored: SDKs add fields between versions.
 * Timestamps are float seconds since the epoch or RFC 3339 strings.
 */
const HEX32_OR_UUID = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;

const isTimestamp = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

export class TraceContextDto {
  @Matches(HEX32, { message: 'contexts.trace.trace_id must be 32 hex characters' })
  trace_id!: string;

  @Matches(HEX16, { message: 'contexts.trace.span_id must be 16 hex characters' })
  span_id!: string;

  @IsOptional()
  @Matches(HEX16, { message: 'contexts.trace.parent_span_id must be 16 hex characters' })
  parent_span_id?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  op?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  status?: string;
}

export class TransactionContextsDto {
  @IsDefined({ message: 'contexts.trace is required' })
  @ValidateNested()
  @Type(() => TraceContextDto)
  trace!: TraceContextDto;

  @IsOptional()
  @IsObject()
  browser?: { name?: unknown; version?: unknown };

  @IsOptional()
  @IsObject()
  os?: { name?: unknown; version?: unknown };

  @IsOptional()
  @IsObject()
  response?: { status_code?: unknown };
}

export class TransactionInfoDto {
  @IsOptional()
  @IsString()
  source?: string;
}

export class SdkInfoDto {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsString()
  version?: string;
}

export class UserDto {
  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString()
  id?: string | number;

  @IsOptional()
  @IsString()
  email?: string;

  @IsOptional()
  @IsString()
  username?: string;

  @IsOptional()
  @IsString()
  ip_address?: string;
}

export class RequestDto {
  @IsOptional()
  @IsString()
  url?: string;

  @IsOptional()
  @IsString()
  method?: string;
}

export class TransactionEventDto {
  @Equals('transaction', { message: 'type must be "transaction"' })
  type!: 'transaction';

  @IsOptional()
  @Matches(HEX32_OR_UUID, { message: 'event_id must be 32 hex characters or a UUID' })
  event_id?: string;

  @IsString()
  @MaxLength(200 * 4) // truncation to the documented limit happens in normalization
  transaction!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => TransactionInfoDto)
  transaction_info?: TransactionInfoDto;

  @ValidateIf((_, v) => !isTimestamp(v))
  @IsNumber({}, { message: 'start_timestamp must be seconds since the epoch or an RFC 3339 string' })
  start_timestamp!: number | string;

  @ValidateIf((_, v) => !isTimestamp(v))
  @IsNumber({}, { message: 'timestamp must be seconds since the epoch or an RFC 3339 string' })
  timestamp!: number | string;

  @IsDefined({ message: 'contexts.trace is required' })
  @ValidateNested()
  @Type(() => TransactionContextsDto)
  contexts!: TransactionContextsDto;

  @IsOptional()
  @IsString()
  release?: string;

  @IsOptional()
  @IsString()
  environment?: string;

  @IsOptional()
  @IsString()
  dist?: string;

  @IsOptional()
  @IsString()
  platform?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SdkInfoDto)
  sdk?: SdkInfoDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => UserDto)
  user?: UserDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => RequestDto)
  request?: RequestDto;

  /** Sentry accepts an object or a list of [key, value] pairs. */
  @IsOptional()
  @ValidateIf((_, v) => !Array.isArray(v))
  @IsObject()
  tags?: Record<string, unknown> | Array<[string, unknown]>;

  @IsOptional()
  @IsObject()
  measurements?: Record<string, { value?: unknown; unit?: unknown }>;
}
