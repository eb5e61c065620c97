import { ApiProperty } from '@nestjs/swagger';
import type { SqlColumn, SqlQueryResponse, SqlStatistics } from '@pulse/sql-query';

/** The documented shape of SqlColumn; `implements` keeps the two in step. */
export class SqlColumnDto implements SqlColumn {
  @ApiProperty({ description: 'Column name, as in the SELECT list (or its alias).', example: 'p95' })
  name!: string;

  @ApiProperty({ description: 'ClickHouse type of the column.', example: 'Float64' })
  type!: string;
}

export class SqlStatisticsDto implements SqlStatistics {
  @ApiProperty({ description: 'Time ClickHouse took to run the query, milliseconds.', example: 12.345 })
  elapsed_ms!: number;

  @ApiProperty({ description: 'Rows ClickHouse read.', example: 48213 })
  rows_read!: number;

  @ApiProperty({ description: 'Uncompressed bytes ClickHouse read.', example: 1928520 })
  bytes_read!: number;
}

/** The documented shape of SqlQueryResponse. */
export class SqlQueryResponseDto implements SqlQueryResponse {
  @ApiProperty({ type: [SqlColumnDto], description: 'The columns of the result, in order.' })
  meta!: SqlColumnDto[];

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'One object per row, keyed by column name. (U)Int64 values are strings (JSON numbers lose precision above 2^53).',
    example: [{ name: 'GET /checkout', n: '1204', p95: 812.5 }],
  })
  data!: Array<Record<string, unknown>>;

  @ApiProperty({ description: 'Rows in `data`.', example: 1 })
  rows!: number;

  @ApiProperty({ type: SqlStatisticsDto })
  statistics!: SqlStatisticsDto;
}
