import { ClickHouseException } from './clickhouse-error';
import { isTruthySetting, quoteIdentifier, settingStatements, splitHttpParams, sqlStringLiteral } from './http-params';

/**
 * The engine's reading of a string literal (backslash escapes), enough to check that
 * sqlStringLiteral gives the exact text back.
 */
function readLiteral(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const inner = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'") throw new Error(`unescaped quote at ${i} in ${literal}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = inner[++i];
    out += next === '0' ? '\0' : next === 'n' ? '\n' : next === 't' ? '\t' : next;
  }
  return out;
}

/** ClickHouse's escaped text format (what @clickhouse/client sends as param_ values). */
function escapeText(value: string): string {
  return value.replace(/[\t\n\r'\\]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'", '\\': '\\\\' })[c]!);
}

describe('splitHttpParams', () => {
  it('separates handler parameters, query parameters and settings', () => {
    const p = splitHttpParams([
      ['query', 'SELECT {x:String}'],
      ['query_id', 'q1'],
      ['database', 'pulse'],
      ['default_format', 'JSONEachRow'],
      ['session_id', 's1'],
      ['user', 'u'],
      ['password', 'pw'],
      ['param_x', "it\\'s"],
      ['max_result_rows', '10'],
      ['result_overflow_mode', 'throw'],
      ['enable_http_compression', '1'],
      ['output_format_json_quote_64bit_integers', '0'],
      ['wait_end_of_query', '1'],
      ['compress', '1'],
      ['role', 'r'],
      ['session_timeout', '60'],
      ['', 'ignored'],
    ]);
    expect(p).toMatchObject({ query: 'SELECT {x:String}', queryId: 'q1', database: 'pulse', defaultFormat: 'JSONEachRow', sessionId: 's1', user: 'u', password: 'pw' });
    expect([...p.params]).toEqual([['x', "it\\'s"]]);
    expect([...p.settings]).toEqual([
      ['max_result_rows', '10'],
      ['result_overflow_mode', 'throw'],
      ['enable_http_compression', '1'],
      ['output_format_json_quote_64bit_integers', '0'],
    ]);
  });

  it('lets the last occurrence of a setting win', () => {
    const p = splitHttpParams([
      ['max_threads', '1'],
      ['readonly', '1'],
      ['max_threads', '4'],
    ]);
    expect([...p.settings]).toEqual([
      ['readonly', '1'],
      ['max_threads', '4'],
    ]);
  });

  it('skips *_format/_types/_structure names with external data only', () => {
    const entries: Array<[string, string]> = [
      ['t_format', 'CSV'],
      ['t_structure', 'a UInt8'],
      ['date_time_input_format', 'best_effort'],
    ];
    expect([...splitHttpParams(entries).settings.keys()]).toEqual(['t_format', 't_structure', 'date_time_input_format']);
    expect([...splitHttpParams(entries, { externalData: true }).settings.keys()]).toEqual([]);
  });
});

describe('sqlStringLiteral', () => {
  it.each([
    ['plain'],
    ["it's"],
    ['back\\slash'],
    ["\\'"],
    ["' OR 1=1 --"],
    ["'; DROP TABLE t; --"],
    ['tab\tnew\nline\rcr'],
    ['nul\0byte'],
    ['unicode ✓ 🙂 日本'],
    ['\\N'],
    [''],
  ])('%j reads back verbatim', (value) => {
    expect(readLiteral(sqlStringLiteral(value))).toBe(value);
  });

  it('hands the escaped text format through unchanged (the engine parses it per type)', () => {
    const original = "it's a \\ back\tslash\nnew ' OR 1=1 --";
    const sent = escapeText(original);
    expect(sent).toBe("it\\'s a \\\\ back\\tslash\\nnew \\' OR 1=1 --");
    expect(readLiteral(sqlStringLiteral(sent))).toBe(sent);
  });
});

describe('settingStatements', () => {
  it('is empty without settings or parameters', () => {
    expect(settingStatements(new Map(), new Map())).toEqual([]);
  });

  it('sets param_ values, then settings, as string literals', () => {
    const statements = settingStatements(
      new Map([
        ['max_result_rows', '10'],
        ['additional_table_filters', "{'t':'x = 1'}"],
      ]),
      new Map([
        ['s', "a\\'b"],
        ['n', '\\N'],
      ]),
    );
    expect(statements).toEqual([
      "SET param_s = 'a\\\\\\'b', param_n = '\\\\N'",
      "SET max_result_rows = '10', additional_table_filters = '{\\'t\\':\\'x = 1\\'}'",
    ]);
  });

  it('refuses a setting name that is not an identifier (it would be spliced into SQL)', () => {
    const attempt = (): unknown => settingStatements(new Map([["max_threads = 1, readonly = '0'", '1']]), new Map());
    expect(attempt).toThrow(ClickHouseException);
    expect(attempt).toThrow(/Unknown setting/);
    try {
      attempt();
    } catch (err) {
      expect(err).toMatchObject({ code: 115, type: 'UNKNOWN_SETTING', httpStatus: 404 });
    }
  });

  it('ignores query parameters no placeholder could name', () => {
    expect(settingStatements(new Map(), new Map([['x = 1, readonly', '0']]))).toEqual([]);
  });

  it('lifts max_query_size around a long value and restores it before the query', () => {
    const long = 'v'.repeat(300_000);
    const statements = settingStatements(new Map([['max_threads', '2']]), new Map([['p', long]]));
    expect(statements).toHaveLength(4);
    expect(statements[0]).toBe(`SET max_query_size = ${"SET param_p = ''".length + 300_000 + 1024}`);
    expect(statements[1] === `SET param_p = '${long}'`).toBe(true);
    expect(statements.slice(2)).toEqual(["SET max_threads = '2'", 'SET max_query_size = DEFAULT']);
    const own = settingStatements(new Map([['max_query_size', '1000']]), new Map([['p', long]]));
    expect(own.at(-1)).toBe("SET max_query_size = '1000'");
  });
});

describe('isTruthySetting', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['2', true],
    ['0', false],
    ['false', false],
    ['', false],
    [undefined, false],
  ])('%j -> %j', (value, expected) => {
    expect(isTruthySetting(value)).toBe(expected);
  });
});

describe('quoteIdentifier', () => {
  it('backquotes and escapes', () => {
    expect(quoteIdentifier('pulse')).toBe('`pulse`');
    expect(quoteIdentifier('we`ird\\db')).toBe('`we\\`ird\\\\db`');
  });
});
