import { scanStatement } from './sql-scan';

describe('scanStatement', () => {
  it('finds the first keyword past comments', () => {
    expect(scanStatement('  -- comment\n/* block /* nested */ */ insert INTO t VALUES (1)').keyword).toBe('INSERT');
    expect(scanStatement('# note\nSELECT 1').keyword).toBe('SELECT');
    expect(scanStatement('WITH 1 AS x SELECT x').keyword).toBe('WITH');
    expect(scanStatement('(SELECT 1)').keyword).toBeUndefined();
  });

  it('reads the FORMAT clause of a query', () => {
    expect(scanStatement('SELECT 1\nFORMAT JSONEachRow').format).toBe('JSONEachRow');
    expect(scanStatement('SELECT 1 FORMAT JSON SETTINGS max_threads = 1').format).toBe('JSON');
    expect(scanStatement('SELECT 1 FORMAT `TabSeparated`;').format).toBe('TabSeparated');
    expect(scanStatement('SELECT format, 1 FROM t').format).toBeUndefined();
    expect(scanStatement("SELECT format('{}', x) FROM t").format).toBeUndefined();
    expect(scanStatement("SELECT 'FORMAT JSON'").format).toBeUndefined();
    expect(scanStatement('SELECT (SELECT 1 FORMAT CSV)').format).toBeUndefined();
  });

  it('stops at the data of INSERT ... FORMAT', () => {
    const sql = 'INSERT INTO db.t (a, b) FORMAT JSONEachRow\n{"a":"x; SELECT 2"}\n;DROP TABLE t';
    const shape = scanStatement(sql);
    expect(shape).toMatchObject({ keyword: 'INSERT', format: 'JSONEachRow' });
    expect(shape.secondStatementAt).toBeUndefined();
    expect(sql.slice(shape.dataOffset)).toBe('\n{"a":"x; SELECT 2"}\n;DROP TABLE t');
  });

  it('does not take a table called format for the clause', () => {
    const shape = scanStatement('INSERT INTO format FORMAT CSV\n1,2');
    expect(shape.format).toBe('CSV');
    expect(scanStatement('INSERT INTO db.format VALUES (1)').format).toBeUndefined();
  });

  it('keeps lexing VALUES data, which the engine reads as SQL', () => {
    expect(scanStatement("INSERT INTO t VALUES (1, 'a;b'), (2, 'c')").secondStatementAt).toBeUndefined();
    const sql = 'INSERT INTO t VALUES (1); DROP TABLE t';
    expect(sql.slice(scanStatement(sql).secondStatementAt)).toBe('DROP TABLE t');
    const viaFormat = 'INSERT INTO t FORMAT Values (1); DROP TABLE t';
    expect(scanStatement(viaFormat).format).toBe('Values');
    expect(scanStatement(viaFormat).dataOffset).toBeUndefined();
    expect(viaFormat.slice(scanStatement(viaFormat).secondStatementAt)).toBe('DROP TABLE t');
  });

  it('detects a second statement, and only outside strings, identifiers and comments', () => {
    expect(scanStatement('SELECT 1; SELECT 2').secondStatementAt).toBe(10);
    expect(scanStatement('SELECT 1;').secondStatementAt).toBeUndefined();
    expect(scanStatement('SELECT 1;;  -- done\n').secondStatementAt).toBeUndefined();
    expect(scanStatement("SELECT 'a;b', \"c;d\", `e;f` -- g;h\n /* i;j */").secondStatementAt).toBeUndefined();
    const quoted = "SELECT 'it''s; \\' ;' ; DROP TABLE t";
    expect(quoted.slice(scanStatement(quoted).secondStatementAt)).toBe('DROP TABLE t');
    expect(scanStatement('SELECT $$a;b$$, $tag$c;d$tag$').secondStatementAt).toBeUndefined();
  });

  it('reports unterminated input', () => {
    expect(scanStatement("SELECT 'abc").unterminated).toBe(true);
    expect(scanStatement('SELECT (1').unterminated).toBe(true);
    expect(scanStatement('SELECT 1 /* x').unterminated).toBe(true);
    expect(scanStatement('SELECT 1').unterminated).toBeUndefined();
  });
});
