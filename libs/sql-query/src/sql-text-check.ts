import { SqlRefusal } from './sql-refusal';

export const MAX_SQL_LENGTH = 20_000;

/** Words a SELECT may start with (after any opening parentheses): `FROM t SELECT …` is ClickHouse too. */
const FIRST_WORDS = new Set(['SELECT', 'WITH', 'FROM']);

/** ClickHouse reads ‘…’ as a string and “…” as a name, like '…' and "…". */
const TYPOGRAPHIC_QUOTES = new Set(['\u2018', '\u2019', '\u201C', '\u201D']);

/**
 * Checks on the text, before ClickHouse parses it. A small scanner that knows where string
 * literals ('…' with backslash and doubled-quote escapes) and quoted names ("…", `…`) start and
 * end, so that what it finds outside them really is outside:
 *
 * - comments (`--`, `/* *\/`, `#`) are refused: the text that is checked is the text that runs, and
 *   a comment is the classic way to make part of it mean something else;
 * - `;` is refused: one statement, nothing after it;
 * - `$` is refused: ClickHouse reads `$tag$…$tag$` as a string this scanner would not know;
 *   typographic quotes likewise;
 * - a quoted name may not hold a backslash or a control character, and `{name:Identifier}`
 *   parameters are refused: ClickHouse prints names unescaped in EXPLAIN AST, one node per line,
 *   so a name with a line break could add lines to the tree the syntax check reads;
 * - the statement must start with SELECT, WITH or FROM (after opening parentheses).
 */
export function checkSqlText(sql: string): void {
  if (sql.length > MAX_SQL_LENGTH) throw new SqlRefusal(`the SQL is ${sql.length} characters long; at most ${MAX_SQL_LENGTH} are allowed`);
  if (sql.trim() === '') throw new SqlRefusal('sql is empty: send one SELECT');
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'") {
      i = endOfString(sql, i);
    } else if (c === '"' || c === '`') {
      i = endOfQuotedName(sql, i);
    } else {
      if ((c === '-' && next === '-') || (c === '/' && next === '*') || c === '#') throw new SqlRefusal('comments are not allowed (--, /* */, #)');
      if (c === ';') throw new SqlRefusal('one statement only: remove the ";" and anything after it');
      if (c === '$') throw new SqlRefusal('"$" is only allowed inside quotes ($$…$$ strings and $ in names are not supported)');
      if (TYPOGRAPHIC_QUOTES.has(c)) throw new SqlRefusal(`typographic quotes (${c}) are not allowed: use '…' for strings and "…" for names`);
      if (c === '{') checkParameter(sql, i);
      i++;
    }
  }
  checkFirstWord(sql);
}

/** Index just after the string literal opening at `start` (the end of the text if unterminated). */
function endOfString(sql: string, start: number): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') i += 2;
    else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return sql.length;
}

/** Index just after the quoted name opening at `start`; refuses escapes and control characters in it. */
function endOfQuotedName(sql: string, start: number): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === quote && sql[i + 1] === quote) {
      i += 2;
      continue;
    }
    if (c === quote) return i + 1;
    const code = c.charCodeAt(0);
    if (c === '\\' || code < 0x20 || code === 0x7f) {
      throw new SqlRefusal(`quoted names may not contain backslashes or control characters (${quote}${sql.slice(start + 1, i)}…)`);
    }
    i++;
  }
  return sql.length;
}

/** `{name:Type}` query parameters: any type but Identifier (which would splice a name into the tree). */
function checkParameter(sql: string, start: number): void {
  const match = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]*)\}/.exec(sql.slice(start, start + 200));
  if (match && /identifier/i.test(match[2])) {
    throw new SqlRefusal(`query parameters of type Identifier are not supported ({${match[1]}:${match[2].trim()}}): write names in the SQL`);
  }
}

function checkFirstWord(sql: string): void {
  const word = /^[\s(]*([A-Za-z]*)/.exec(sql)?.[1] ?? '';
  if (!FIRST_WORDS.has(word.toUpperCase())) {
    const what = word === '' ? JSON.stringify(sql.replace(/^[\s(]*/, '').slice(0, 10)) : word.toUpperCase();
    throw new SqlRefusal(`only SELECT queries are allowed; this one starts with ${what}`);
  }
}
