import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, ValidateBy, ValidationOptions } from 'class-validator';

/** `from` / `to`: ISO-8601 text, or epoch milliseconds as a number or as digits (parseTimeRange reads both). */
function IsTimestampInput(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestampInput',
      validator: {
        validate: (value: unknown) => (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: (args) => `${args?.property} must be an ISO-8601 string or epoch milliseconds`,
      },
    },
    options,
  );
}

const PARAM_VALUE = {
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } }],
};

/** Body of POST /api/v1/projects/:projectId/query; the SQL and params are checked by @pulse/sql-query. */
export class SqlQueryDto {
  @ApiProperty({
    description:
      'One SELECT over transactions, spans, errors, sessions and web_vitals (unqualified). Only the project of the URL ' +
      'and rows in [from, to) are visible. No comments, no ";", no UNION, SETTINGS, FORMAT or table functions; at most 20,000 characters.',
    example: 'SELECT name, count() AS n, quantile(0.95)(duration_ms) AS p95 FROM transactions WHERE environment = {env:String} GROUP BY name ORDER BY n DESC LIMIT 10',
  })
  @IsString()
  @IsNotEmpty()
  sql!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: PARAM_VALUE,
    description: 'Values of the `{name:Type}` placeholders of the SQL: at most 50; strings, finite numbers, booleans or arrays of those (1,000 elements at most).',
    example: { env: 'production' },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], description: 'Start of the time range (inclusive): ISO-8601 or epoch milliseconds.', example: '2026-01-01T00:00:00Z' })
  @IsTimestampInput()
  from!: string | number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    description: 'End of the time range (exclusive): ISO-8601 or epoch milliseconds. The range spans at most QUERY_MAX_RANGE_DAYS days.',
    example: 1767312000000,
  })
  @IsTimestampInput()
  to!: string | number;
}
