import 'reflect-metadata';
import { IsArray, IsBoolean, IsDefined, IsInt, IsNumber, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { IsHex32OrUuid, IsTimestamp, Nested } from './common.dto';

/**
 * Release health (`session` and `sessions` envelope items), as Relay's SessionUpdate and
 * SessionAggregates read them. Unknown fields are ignored. Timestamps are RFC 3339 strings (what the
 * JS SDK sends) or float seconds. A session without `attrs.release` is invalid: Relay drops it, and
 * so does Pulse. The status is not checked here: normalization names an unknown one in its reason.
 */
export class SessionAttributesDto {
  @IsDefined({ message: 'attrs.release is required (sessions without a release are dropped)' })
  @IsString({ message: 'attrs.release must be a string' })
  release!: string;

  @IsOptional()
  @IsString()
  environment?: string;

  /** `{{auto}}` asks the server to use the client address. */
  @IsOptional()
  @IsString()
  ip_address?: string;

  @IsOptional()
  @IsString()
  user_agent?: string;
}

export class SessionUpdateDto {
  /** Relay generates one when missing. */
  @IsOptional()
  @IsHex32OrUuid('sid')
  sid?: string;

  /** Distinct id (user); the JS SDK stringifies numbers, other SDKs may not. */
  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString({ message: 'did must be a string' })
  did?: string | number;

  @IsOptional()
  @IsInt({ message: 'seq must be an integer' })
  @Min(0)
  seq?: number;

  @IsOptional()
  @IsBoolean({ message: 'init must be a boolean' })
  init?: boolean;

  @IsTimestamp('started must be an RFC 3339 string or seconds since the epoch')
  started!: string | number;

  /** Relay defaults a missing timestamp to the time it received the session. */
  @IsOptional()
  @IsTimestamp('timestamp must be an RFC 3339 string or seconds since the epoch')
  timestamp?: string | number;

  /** ok | exited | crashed | abnormal | errored | unhandled; missing means ok. */
  @IsOptional()
  @IsString({ message: 'status must be a string' })
  status?: string;

  @IsOptional()
  @IsInt({ message: 'errors must be a non-negative integer' })
  @Min(0, { message: 'errors must be a non-negative integer' })
  errors?: number;

  /** Seconds. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'duration must be a number of seconds' })
  @Min(0, { message: 'duration must be a number of seconds' })
  duration?: number;

  @IsDefined({ message: 'attrs is required (sessions without a release are dropped)' })
  @Nested(() => SessionAttributesDto)
  attrs!: SessionAttributesDto;
}

/**
 * Each count of an aggregate bucket is stored as the quantity of one row, summed by the release
 * health queries: Relay reads them as u32, and so does Pulse, so one request cannot add 2^53
 * sessions (or overflow the sums).
 */
export const MAX_SESSION_COUNT = 2 ** 32 - 1;

/** One bucket of pre-aggregated sessions (Relay's SessionAggregateItem: there is no `ok` count). */
export class SessionAggregateItemDto {
  @IsTimestamp('started must be an RFC 3339 string or seconds since the epoch')
  started!: string | number;

  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString({ message: 'did must be a string' })
  did?: string | number;

  @IsOptional()
  @IsInt({ message: 'exited must be a non-negative integer' })
  @Min(0, { message: 'exited must be a non-negative integer' })
  @Max(MAX_SESSION_COUNT, { message: `exited must be at most ${MAX_SESSION_COUNT}` })
  exited?: number;

  /** Errored sessions, not counting the abnormal and crashed ones. */
  @IsOptional()
  @IsInt({ message: 'errored must be a non-negative integer' })
  @Min(0, { message: 'errored must be a non-negative integer' })
  @Max(MAX_SESSION_COUNT, { message: `errored must be at most ${MAX_SESSION_COUNT}` })
  errored?: number;

  @IsOptional()
  @IsInt({ message: 'abnormal must be a non-negative integer' })
  @Min(0, { message: 'abnormal must be a non-negative integer' })
  @Max(MAX_SESSION_COUNT, { message: `abnormal must be at most ${MAX_SESSION_COUNT}` })
  abnormal?: number;

  /** Newer Relay: an unhandled error that did not crash the app. */
  @IsOptional()
  @IsInt({ message: 'unhandled must be a non-negative integer' })
  @Min(0, { message: 'unhandled must be a non-negative integer' })
  @Max(MAX_SESSION_COUNT, { message: `unhandled must be at most ${MAX_SESSION_COUNT}` })
  unhandled?: number;

  @IsOptional()
  @IsInt({ message: 'crashed must be a non-negative integer' })
  @Min(0, { message: 'crashed must be a non-negative integer' })
  @Max(MAX_SESSION_COUNT, { message: `crashed must be at most ${MAX_SESSION_COUNT}` })
  crashed?: number;
}

export class SessionAggregatesDto {
  /** Relay defaults a missing list to empty (nothing to store). */
  @IsOptional()
  @IsArray({ message: 'aggregates must be an array' })
  @Nested(() => SessionAggregateItemDto, { each: true })
  aggregates?: SessionAggregateItemDto[];

  @IsDefined({ message: 'attrs is required (sessions without a release are dropped)' })
  @Nested(() => SessionAttributesDto)
  attrs!: SessionAttributesDto;
}
