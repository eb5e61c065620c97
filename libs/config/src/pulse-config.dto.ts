import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

/** The Sentry data categories a key may be rate-limited in (`X-Sentry-Rate-Limits` names them). */
export const DATA_CATEGORIES = ['error', 'transaction', 'span', 'session', 'attachment', 'default'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

const PUBLIC_KEY = /^[0-9a-f]{32}$/;

/** What a query API token may do: `read` is needed by every endpoint, `write` by those that change issues. */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** One category's quota: a token bucket refilled at `perSecond`, holding at most `burst`. */
export class RateLimitDto {
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a finite number' })
  @IsPositive()
  perSecond!: number;

  /** Defaults to `ceil(perSecond)` (see ProjectRegistry.rateLimitsOfKey). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  burst?: number;
}

const LIMIT_SHAPE = { message: '$property must be an object {"perSecond": <number>, "burst": <integer>}' };
// The loader drops class-validator's "nested property ... must be either object or array" when
// IsObject already explains the problem.

/**
 * Quotas of one key by data category; a category left out is unlimited. An unknown category is
 * refused by `forbidNonWhitelisted`, and the loader words that error as "unknown data category".
 */
export class RateLimitsDto implements Partial<Record<DataCategory, RateLimitDto>> {
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) error?: RateLimitDto;
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) transaction?: RateLimitDto;
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) span?: RateLimitDto;
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) session?: RateLimitDto;
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) attachment?: RateLimitDto;
  @IsOptional() @IsObject(LIMIT_SHAPE) @ValidateNested() @Type(() => RateLimitDto) default?: RateLimitDto;
}

/** A DSN public key in its object form, `{"key": "<32 hex>", "rateLimits": {...}}`. */
export class KeyConfigDto {
  // The format is checked on ProjectConfigDto.keys, for both forms, so the message keeps the
  // `projects[i].keys` path it has always had.
  @Allow()
  key!: string;

  @IsOptional()
  @IsObject({ message: '$property must be an object keyed by data category' })
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rateLimits?: RateLimitsDto;
}

/** A keys entry as written in the file: a plain key (no limits) or the object form. */
export type KeyEntry = string | KeyConfigDto;

/** The public key of a keys entry, whichever form it has. */
export function publicKeyOf(entry: KeyEntry): string {
  return typeof entry === 'string' ? entry : entry.key;
}

@ValidatorConstraint({ name: 'eachKeyIsHex' })
class EachKeyIsHex implements ValidatorConstraintInterface {
  validate(entries: unknown): boolean {
    return badKeyIndexes(entries).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return `each key must be 32 lower-case hex characters (bad entries: ${badKeyIndexes(args.value).join(', ')})`;
  }
}

function badKeyIndexes(entries: unknown): number[] {
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown, index) => {
    const key = typeof entry === 'object' && entry !== null ? (entry as { key?: unknown }).key : entry;
    return typeof key === 'string' && PUBLIC_KEY.test(key) ? [] : [index];
  });
}

/** Shape of the JSON file named by PULSE_CONFIG. */
export class ProjectConfigDto {
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;

  @IsString()
  @IsNotEmpty()
  name!: string;

  /**
   * As written, each entry is a plain key or a KeyConfigDto. class-validator cannot validate a
   * union, so parsePulseConfig first turns every plain string into `{key}` and validates the
   * object form only: after parsing, every entry is a KeyConfigDto.
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique((entry: unknown) => (typeof entry === 'object' && entry !== null ? (entry as { key?: unknown }).key : entry))
  @Validate(EachKeyIsHex)
  @ValidateNested({ each: true })
  @Type(() => KeyConfigDto)
  keys!: KeyEntry[];

  /** Days ClickHouse keeps this project's rows (raw and rollups); DEFAULT_RETENTION_DAYS when absent. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;
}

export class TokenConfigDto {
  // Tokens are bearer secrets: short ones are guessable.
  @IsString()
  @MinLength(16)
  token!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsInt({ each: true })
  projects!: number[];

  /**
   * What the token may do: `read` (every endpoint), `write` (also change issues). Absent: both,
   * as before scopes existed.
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TOKEN_SCOPES, {
    each: true,
    message: (args: ValidationArguments) =>
      `unknown scope ${(args.value as unknown[])
        .filter((scope) => !(TOKEN_SCOPES as readonly unknown[]).includes(scope))
        .map((scope) => JSON.stringify(scope))
        .join(', ')} (scopes are ${TOKEN_SCOPES.join(', ')})`,
  })
  scopes?: TokenScope[];

  /** Who the token is in the history of an issue it changes; by default `token:` and 8 hex of its SHA-256. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class PulseConfigDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ProjectConfigDto)
  projects!: ProjectConfigDto[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TokenConfigDto)
  tokens!: TokenConfigDto[];

  /** Bearer token of GET /metrics on every app; without it /metrics answers 401 to everyone. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  metricsToken?: string;
}
