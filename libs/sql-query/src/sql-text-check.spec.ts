import { checkSqlText, MAX_SQL_LENGTH } from './sql-text-check';
import { SqlRefusal } from './sql-refusal';

describe('checkSqlText', () => {
  it.each([
    'SELECT count() FROM transactions',
    '  (SELECT 1)',
    'with 1 AS x select x',
    'FROM transactions SELECT count()',
    // Comment and statement markers inside strings and quoted names are text, not syntax.
    "SELECT '--', '/* x */', '#', ';', '$$' FROM transactions",
    "SELECT 'it''s', 'a\\'b -- c' FROM transactions",
    'SELECT "odd -- name", `odd; name`, "say ""hi""" FROM transactions',
    "SELECT count() FROM transactions WHERE name = {name:String} AND vital IN {v:Array(String)}",
    "SELECT '{t:Identifier}' FROM transactions",
  ])('accepts %j', (sql) => {
    expect(() => checkSqlText(sql)).not.toThrow();
  });

  it.each([
    ['SELECT 1 -- comment', 'comments are not allowed'],
    ['SELECT 1 /* comment */', 'comments are not allowed'],
    ['SELECT 1 # comment', 'comments are not allowed'],
    ["SELECT 'a' -- ' trailing", 'comments are not allowed'],
    ['SELECT 1; DROP TABLE transactions', 'one statement only'],
    ['SELECT 1;', 'one statement only'],
    ['SELECT $$text$$', '"$" is only allowed inside quotes'],
    ['SELECT ‘text’', 'typographic quotes'],
    ['SELECT 1 AS "a\nb"', 'quoted names may not contain backslashes or control characters'],
    ['SELECT 1 AS `a\\nb`', 'quoted names may not contain backslashes or control characters'],
    ['SELECT * FROM {table:Identifier}', 'query parameters of type Identifier are not supported ({table:Identifier})'],
    ['SELECT { t : identifier } FROM transactions', 'query parameters of type Identifier are not supported'],
    ["INSERT INTO transactions (name) VALUES ('x')", 'only SELECT queries are allowed; this one starts with INSERT'],
    ['ALTER TABLE transactions DELETE WHERE 1', 'starts with ALTER'],
    ['DROP TABLE transactions', 'starts with DROP'],
    ['SHOW TABLES', 'starts with SHOW'],
    ['DESCRIBE transactions', 'starts with DESCRIBE'],
    ['EXPLAIN SELECT 1', 'starts with EXPLAIN'],
    ['   ', 'sql is empty'],
  ])('refuses %j', (sql, detail) => {
    expect(() => checkSqlText(sql)).toThrow(SqlRefusal);
    expect(() => checkSqlText(sql)).toThrow(detail);
  });

  it(`refuses SQL longer than ${MAX_SQL_LENGTH} characters, saying how long it is`, () => {
    const sql = `SELECT ${'1'.repeat(MAX_SQL_LENGTH)}`;
    expect(() => checkSqlText(sql)).toThrow(`the SQL is ${sql.length} characters long; at most ${MAX_SQL_LENGTH} are allowed`);
    expect(() => checkSqlText(`SELECT ${'1'.repeat(MAX_SQL_LENGTH - 7)}`)).not.toThrow();
  });
});
