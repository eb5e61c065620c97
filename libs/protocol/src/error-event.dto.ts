import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SdkInfoDto, UserDto } from './transaction-event.dto';

/**
 * The part of a Sentry error event Pulse reads (store endpoint / `event` envelope item). Unknown
 * fields are allowed and ignored. Two shapes older SDKs send are accepted: `exception` (and
 * `threads`) as a bare list instead of `{values: [...]}`, and `message` as a string or a log entry.
 * Strings are cut to their limits during normalization, not here.
 */
const HEX32_OR_UUID = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;

const isTimestamp = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{values: [...]}` or, from older SDKs, the bare list; anything else is left for validation to reject. */
function toValues<T extends object>(cls: ClassConstructor<T>, raw: unknown): unknown {
  if (Array.isArray(raw)) return plainToInstance(cls, { values: raw });
  return isPlainObject(raw) ? plainToInstance(cls, raw) : raw;
}

export class FrameDto {
  @IsOptional() @IsString() filename?: string;
  @IsOptional() @IsString() abs_path?: string;
  @IsOptional() @IsString() function?: string;
  @IsOptional() @IsString() module?: string;
  @IsOptional() @IsInt() lineno?: number;
  @IsOptional() @IsInt() colno?: number;
  @IsOptional() @IsBoolean() in_app?: boolean;
  @IsOptional() @IsString() context_line?: string;
  @IsOptional() @IsString() platform?: string;
}

export class StacktraceDto {
  /** Oldest first: the last frame raised. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FrameDto)
  frames?: FrameDto[];
}

export class MechanismDto {
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsBoolean() handled?: boolean;
}

export class ExceptionValueDto {
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsString() value?: string;
  @IsOptional() @IsString() module?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => MechanismDto)
  mechanism?: MechanismDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => StacktraceDto)
  stacktrace?: StacktraceDto;
}

export class ExceptionListDto {
  /** The chain, innermost cause first; the last value is the exception that was captured. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ExceptionValueDto)
  values?: ExceptionValueDto[];
}

export class ThreadDto {
  @IsOptional() @IsBoolean() crashed?: boolean;
  @IsOptional() @IsBoolean() current?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => StacktraceDto)
  stacktrace?: StacktraceDto;
}

export class ThreadListDto {
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ThreadDto)
  values?: ThreadDto[];
}

export class LogEntryDto {
  @IsOptional() @IsString() message?: string;
  @IsOptional() @IsString() formatted?: string;

  /** Positional (`%s`) parameters as a list; some SDKs send named ones as an object. */
  @IsOptional()
  @ValidateIf((_, v) => !Array.isArray(v))
  @IsObject()
  params?: unknown[] | Record<string, unknown>;
}

export class ErrorTraceContextDto {
  @IsOptional()
  @Matches(HEX32, { message: 'contexts.trace.trace_id must be 32 hex characters' })
  trace_id?: string;

  @IsOptional()
  @Matches(HEX16, { message: 'contexts.trace.span_id must be 16 hex characters' })
  span_id?: string;
}

export class ErrorContextsDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => ErrorTraceContextDto)
  trace?: ErrorTraceContextDto;

  @IsOptional()
  @IsObject()
  browser?: { name?: unknown; version?: unknown };

  @IsOptional()
  @IsObject()
  os?: { name?: unknown; version?: unknown };
}

export class ErrorEventDto {
  /** The SDKs send no type for errors; `transaction` and other types belong to other DTOs. */
  @IsOptional()
  @IsIn(['error', 'default'], { message: 'type must be "error" or "default" when present' })
  type?: 'error' | 'default';

  @IsOptional()
  @Matches(HEX32_OR_UUID, { message: 'event_id must be 32 hex characters or a UUID' })
  event_id?: string;

  /** Optional: the caller defaults it to the receive time. */
  @IsOptional()
  @ValidateIf((_, v) => !isTimestamp(v))
  @IsNumber({}, { message: 'timestamp must be seconds since the epoch or an RFC 3339 string' })
  timestamp?: number | string;

  /** Any string: unknown levels normalize to `error`. */
  @IsOptional() @IsString() level?: string;
  @IsOptional() @IsString() platform?: string;
  @IsOptional() @IsString() release?: string;
  @IsOptional() @IsString() environment?: string;
  @IsOptional() @IsString() dist?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200 * 4) // truncation to the documented limit happens in normalization
  transaction?: string;

  @IsOptional()
  @IsArray({ message: 'fingerprint must be an array of strings' })
  @IsString({ each: true, message: 'fingerprint must be an array of strings' })
  fingerprint?: string[];

  @IsOptional()
  @Transform(({ obj }) => (isPlainObject(obj.message) ? plainToInstance(LogEntryDto, obj.message) : obj.message))
  @ValidateIf((_, v) => typeof v !== 'string')
  @IsObject({ message: 'message must be a string or an object {message, formatted, params}' })
  @ValidateNested()
  message?: string | LogEntryDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => LogEntryDto)
  logentry?: LogEntryDto;

  /** Sentry accepts an object or a list of [key, value] pairs. */
  @IsOptional()
  @ValidateIf((_, v) => !Array.isArray(v))
  @IsObject()
  tags?: Record<string, unknown> | Array<[string, unknown]>;

  @IsOptional()
  @ValidateNested()
  @Type(() => UserDto)
  user?: UserDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => ErrorContextsDto)
  contexts?: ErrorContextsDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => SdkInfoDto)
  sdk?: SdkInfoDto;

  /** Read only for its User-Agent header (browser and OS when `contexts` has none), leniently. */
  @IsOptional()
  @IsObject()
  request?: { url?: unknown; method?: unknown; headers?: unknown };

  @IsOptional()
  @Transform(({ obj }) => toValues(ExceptionListDto, obj.exception))
  @IsObject({ message: 'exception must be {values: [...]} or a list of exceptions' })
  @ValidateNested()
  exception?: ExceptionListDto;

  /** Message events may carry their stack trace here instead of in `exception`. */
  @IsOptional()
  @Transform(({ obj }) => toValues(ThreadListDto, obj.threads))
  @IsObject({ message: 'threads must be {values: [...]} or a list of threads' })
  @ValidateNested()
  threads?: ThreadListDto;
}
