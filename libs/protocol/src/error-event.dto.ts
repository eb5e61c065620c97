import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { EventCommonDto, IsHex16, IsHex32, IsHex32OrUuid, IsObjectOrArray, IsTimestamp, Nested } from './common.dto';

/**
 * The part of a Sentry error event Pulse reads (store endpoint / `event` envelope item). Unknown
 * fields are allowed and ignored. Two shapes older SDKs send are accepted: `exception` (and
 * `threads`) as a bare list instead of `{values: [...]}`, and `message` as a string or a log entry.
 * Strings are cut to their limits during normalization, not here.
 */
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
  @Nested(() => FrameDto, { each: true })
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
  @Nested(() => MechanismDto)
  mechanism?: MechanismDto;

  @IsOptional()
  @Nested(() => StacktraceDto)
  stacktrace?: StacktraceDto;
}

export class ExceptionListDto {
  /** The chain, innermost cause first; the last value is the exception that was captured. */
  @IsOptional()
  @IsArray()
  @Nested(() => ExceptionValueDto, { each: true })
  values?: ExceptionValueDto[];
}

export class ThreadDto {
  @IsOptional() @IsBoolean() crashed?: boolean;
  @IsOptional() @IsBoolean() current?: boolean;

  @IsOptional()
  @Nested(() => StacktraceDto)
  stacktrace?: StacktraceDto;
}

export class ThreadListDto {
  @IsOptional()
  @IsArray()
  @Nested(() => ThreadDto, { each: true })
  values?: ThreadDto[];
}

export class LogEntryDto {
  @IsOptional() @IsString() message?: string;
  @IsOptional() @IsString() formatted?: string;

  /** Positional (`%s`) parameters as a list; some SDKs send named ones as an object. */
  @IsOptional()
  @IsObjectOrArray()
  params?: unknown[] | Record<string, unknown>;
}

export class ErrorTraceContextDto {
  @IsOptional()
  @IsHex32('contexts.trace.trace_id')
  trace_id?: string;

  @IsOptional()
  @IsHex16('contexts.trace.span_id')
  span_id?: string;
}

export class ErrorContextsDto {
  @IsOptional()
  @Nested(() => ErrorTraceContextDto)
  trace?: ErrorTraceContextDto;

  @IsOptional()
  @IsObject()
  browser?: { name?: unknown; version?: unknown };

  @IsOptional()
  @IsObject()
  os?: { name?: unknown; version?: unknown };
}

export class ErrorEventDto extends EventCommonDto {
  /** The SDKs send no type for errors; `transaction` and other types belong to other DTOs. */
  @IsOptional()
  @IsIn(['error', 'default'], { message: 'type must be "error" or "default" when present' })
  type?: 'error' | 'default';

  @IsOptional()
  @IsHex32OrUuid('event_id')
  event_id?: string;

  /** Optional: the caller defaults it to the receive time. */
  @IsOptional()
  @IsTimestamp('timestamp must be seconds since the epoch or an RFC 3339 string')
  timestamp?: number | string;

  /** Any string: unknown levels normalize to `error`. */
  @IsOptional() @IsString() level?: string;

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
  @Nested(() => LogEntryDto)
  logentry?: LogEntryDto;

  @IsOptional()
  @Nested(() => ErrorContextsDto)
  contexts?: ErrorContextsDto;

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
