import 'reflect-metadata';
import { Type } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import { IsNumber, IsObject, IsOptional, IsString, Matches, ValidateIf, ValidateNested } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * What the event, transaction, span and session DTOs share: the id formats, the timestamp rule, the
 * decorators built on them, and the SDK, user and request interfaces. Decorators that take a `path`
 * put it at the front of their message (`contexts.trace.span_id must be 16 hex characters`);
 * none of them makes a field optional, so callers add `@IsOptional()` where it is.
 */
export const HEX16 = /^[0-9a-fA-F]{16}$/;
export const HEX32 = /^[0-9a-fA-F]{32}$/;
export const HEX32_OR_UUID = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** Float seconds since the epoch or a string `Date.parse` reads (RFC 3339 in practice). */
export const isTimestamp = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

/** Applies property decorators as if they were stacked on the property in this order (top first). */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyKey) => {
    for (let i = decorators.length - 1; i >= 0; i--) decorators[i](target, propertyKey);
  };
}

/** A span id: 16 hex characters. */
export const IsHex16 = (path: string): PropertyDecorator => Matches(HEX16, { message: `${path} must be 16 hex characters` });

/** A trace id: 32 hex characters. */
export const IsHex32 = (path: string): PropertyDecorator => Matches(HEX32, { message: `${path} must be 32 hex characters` });

/** An event or session id: 32 hex characters or a UUID with dashes. */
export const IsHex32OrUuid = (path: string): PropertyDecorator =>
  Matches(HEX32_OR_UUID, { message: `${path} must be 32 hex characters or a UUID` });

/** A timestamp ({@link isTimestamp}); `message` is the whole message, as the DTOs word it differently. */
export const IsTimestamp = (message: string): PropertyDecorator =>
  stacked(
    ValidateIf((_, v) => !isTimestamp(v)),
    IsNumber({}, { message }),
  );

/** An object or any list, e.g. tags: Sentry accepts an object or a list of [key, value] pairs. */
export const IsObjectOrArray = (): PropertyDecorator =>
  stacked(
    ValidateIf((_, v) => !Array.isArray(v)),
    IsObject(),
  );

/** A nested object (or, with `{ each: true }`, each element of a list) of class `type`, validated as such. */
export const Nested = (type: () => ClassConstructor<object>, options?: ValidationOptions): PropertyDecorator =>
  stacked(ValidateNested(options), Type(type));

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

/** The request of a transaction. Error events read theirs leniently (any object), see ErrorEventDto. */
export class RequestDto {
  @IsOptional()
  @IsString()
  url?: string;

  @IsOptional()
  @IsString()
  method?: string;
}

/**
 * The fields every Sentry event shares (error and transaction alike); each event DTO extends it.
 * Unknown levels, platforms and so on are strings here: normalization decides what they mean.
 */
export class EventCommonDto {
  @IsOptional()
  @IsString()
  platform?: string;

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
  @Nested(() => SdkInfoDto)
  sdk?: SdkInfoDto;

  @IsOptional()
  @Nested(() => UserDto)
  user?: UserDto;

  /** Sentry accepts an object or a list of [key, value] pairs. */
  @IsOptional()
  @IsObjectOrArray()
  tags?: Record<string, unknown> | Array<[string, unknown]>;
}
