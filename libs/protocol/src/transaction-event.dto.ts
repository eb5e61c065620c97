import 'reflect-metadata';
import { Equals, IsDefined, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { EventCommonDto, IsHex16, IsHex32, IsHex32OrUuid, IsTimestamp, Nested, RequestDto } from './common.dto';

/**
 * The part of a Sentry transaction event Pulse reads (store endpoint / `transaction` envelope
 * item). Unknown fields are allowed and ignored: SDKs add fields between versions.
 * Timestamps are float seconds since the epoch or RFC 3339 strings.
 */
export class TraceContextDto {
  @IsHex32('contexts.trace.trace_id')
  trace_id!: string;

  @IsHex16('contexts.trace.span_id')
  span_id!: string;

  @IsOptional()
  @IsHex16('contexts.trace.parent_span_id')
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
  @Nested(() => TraceContextDto)
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

export class TransactionEventDto extends EventCommonDto {
  @Equals('transaction', { message: 'type must be "transaction"' })
  type!: 'transaction';

  @IsOptional()
  @IsHex32OrUuid('event_id')
  event_id?: string;

  @IsString()
  @MaxLength(200 * 4) // truncation to the documented limit happens in normalization
  transaction!: string;

  @IsOptional()
  @Nested(() => TransactionInfoDto)
  transaction_info?: TransactionInfoDto;

  @IsTimestamp('start_timestamp must be seconds since the epoch or an RFC 3339 string')
  start_timestamp!: number | string;

  @IsTimestamp('timestamp must be seconds since the epoch or an RFC 3339 string')
  timestamp!: number | string;

  @IsDefined({ message: 'contexts.trace is required' })
  @Nested(() => TransactionContextsDto)
  contexts!: TransactionContextsDto;

  @IsOptional()
  @Nested(() => RequestDto)
  request?: RequestDto;

  @IsOptional()
  @IsObject()
  measurements?: Record<string, { value?: unknown; unit?: unknown }>;
}
