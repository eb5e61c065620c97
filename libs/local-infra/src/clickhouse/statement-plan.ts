import { ClickHouseException } from './clickhouse-error';
import { scanStatement, type StatementShape } from './sql-scan';

/** How much of a body is decoded to find out what statement it holds. */
const STATEMENT_HEAD_BYTES = 64 * 1024;

export interface StatementPlan {
  sql: string;
  insert?: { data: Buffer };
  shape: StatementShape;
}

/**
 * SQL = URL `query` + '\n' + body, as the server reads it. An INSERT keeps the body as bytes
 * (its data: JSONEachRow, CSV, RowBinary, Parquet...) and goes to the engine's raw-insert path.
 */
export function planStatement(urlQuery: string, body: Buffer): StatementPlan {
  if (urlQuery === '' && body.length === 0) throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  let text = urlQuery !== '' ? urlQuery : body.subarray(0, STATEMENT_HEAD_BYTES).toString('utf8');
  let shape = scanStatement(text);
  if (shape.keyword === 'INSERT') {
    const whole = urlQuery !== '' ? body.length === 0 : body.length <= STATEMENT_HEAD_BYTES;
    // Without a FORMAT clause the data is SQL too (VALUES): it has to be looked at whole.
    if (!whole && shape.dataOffset === undefined && shape.secondStatementAt === undefined) {
      text = urlQuery !== '' ? `${urlQuery}\n${body.toString('utf8')}` : body.toString('utf8');
      shape = scanStatement(text);
    }
    assertSingleStatement(shape, text);
    return { sql: urlQuery, insert: { data: body }, shape };
  }
  const sql = body.length === 0 ? urlQuery : urlQuery === '' ? body.toString('utf8') : `${urlQuery}\n${body.toString('utf8')}`;
  if (sql.trim() === '') throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  if (sql !== text) shape = scanStatement(sql);
  assertSingleStatement(shape, sql);
  return { sql, shape };
}

function assertSingleStatement(shape: StatementShape, sql: string): void {
  if (shape.secondStatementAt === undefined) return;
  const at = shape.secondStatementAt;
  throw ClickHouseException.of(
    'SYNTAX_ERROR',
    `Syntax error (Multi-statements are not allowed): failed at position ${at + 1}: ${sql.slice(at, at + 64)}`,
  );
}
