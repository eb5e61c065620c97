/**
 * Just enough of ClickHouse's lexer to answer what the HTTP layer must know before handing SQL to
 * the engine: the statement's first keyword (INSERT takes the raw-data path), its FORMAT clause
 * (the X-ClickHouse-Format header and Content-Type) and whether a second statement follows.
 *
 * The last one matters: the embedded engine is clickhouse-local and runs `a; b` as two queries
 * (even `INSERT INTO t VALUES (1); DROP TABLE t`), while a real server refuses multi-statements.
 */

type Kind = 'word' | 'quoted' | 'string' | 'number' | 'open' | 'close' | 'semicolon' | 'other' | 'eof';

interface Token {
  kind: Kind;
  text: string;
  start: number;
}

export interface StatementShape {
  /** First word, upper-cased (`SELECT`, `INSERT`, `WITH`...); undefined when it starts otherwise. */
  keyword?: string;
  /** Name given in a top-level `FORMAT <name>` clause. */
  format?: string;
  /** INSERT ... FORMAT <fmt>: offset where the inline data starts (never lexed as SQL). */
  dataOffset?: number;
  /** Offset of a second statement after a top-level `;`. */
  secondStatementAt?: number;
  /** The scan stopped at the end of `sql` inside a string, comment or bracket. */
  unterminated?: boolean;
}

/** FORMAT names after which the engine still parses the data as SQL tuples. */
const SQL_DATA_FORMATS = new Set(['values']);
/** Words that, right before FORMAT, make it a table name (`INSERT INTO format ...`). */
const NOT_BEFORE_FORMAT_CLAUSE = new Set(['INTO', 'TABLE', 'FUNCTION']);

export function scanStatement(sql: string): StatementShape {
  const lexer = new Lexer(sql);
  const shape: StatementShape = {};
  let depth = 0;
  let prev: Token | undefined;
  let token = lexer.next();
  if (token.kind === 'word') shape.keyword = token.text.toUpperCase();
  const isInsert = shape.keyword === 'INSERT';

  for (; token.kind !== 'eof'; prev = token, token = lexer.next()) {
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth = Math.max(0, depth - 1);
    if (depth > 0) continue;

    if (token.kind === 'semicolon') {
      secondStatement(lexer, shape);
      break;
    }
    if (token.kind !== 'word') continue;
    const word = token.text.toUpperCase();
    if (isInsert && word === 'VALUES') {
      valuesData(lexer, shape);
      break;
    }
    if (word !== 'FORMAT') continue;
    const name = lexer.peek();
    if (name.kind !== 'word' && name.kind !== 'quoted') continue;

    if (isInsert) {
      if (prev && (prev.text === '.' || NOT_BEFORE_FORMAT_CLAUSE.has(prev.text.toUpperCase()))) continue;
      lexer.next();
      shape.format = unquote(name);
      if (SQL_DATA_FORMATS.has(shape.format.toLowerCase())) {
        valuesData(lexer, shape);
        break;
      }
      // Whatever follows the format name is the payload, read by the format's own parser.
      shape.dataOffset = lexer.position;
      return shape;
    }
    // SELECT ... FORMAT <name> is the last clause, optionally followed by SETTINGS.
    const after = lexer.peek(1);
    if (after.kind === 'eof' || after.kind === 'semicolon' || (after.kind === 'word' && after.text.toUpperCase() === 'SETTINGS')) {
      shape.format = unquote(name);
    }
  }
  if (depth > 0 || lexer.unterminated) shape.unterminated = true;
  return shape;
}

/** After a top-level `;`: anything but more `;`, blanks and comments is a second statement. */
function secondStatement(lexer: Lexer, shape: StatementShape): void {
  let after = lexer.next();
  while (after.kind === 'semicolon') after = lexer.next();
  if (after.kind !== 'eof') shape.secondStatementAt = after.start;
}

/** VALUES tuples can be megabytes: skip them without building tokens, up to a top-level `;`. */
function valuesData(lexer: Lexer, shape: StatementShape): void {
  if (lexer.skipToTopLevelSemicolon()) {
    lexer.next();
    secondStatement(lexer, shape);
  }
  if (lexer.unterminated) shape.unterminated = true;
}

function unquote(token: Token): string {
  return token.kind === 'quoted' ? token.text.slice(1, -1) : token.text;
}

class Lexer {
  position = 0;
  unterminated = false;
  private readonly lookahead: Token[] = [];

  constructor(private readonly src: string) {}

  next(): Token {
    return this.lookahead.shift() ?? this.read();
  }

  /**
   * Moves to the next `;` outside brackets, strings and comments (true) or to the end (false).
   * Must not be called with tokens peeked.
   */
  skipToTopLevelSemicolon(): boolean {
    const s = this.src;
    let depth = 0;
    for (;;) {
      // Only these characters can change the state: step over everything else in a tight loop.
      let i = this.position;
      while (i < s.length) {
        const code = s.charCodeAt(i);
        if (code < 128 && VALUES_SPECIAL[code] === 1) break;
        i++;
      }
      this.position = i;
      if (i >= s.length) {
        if (depth > 0) this.unterminated = true;
        return false;
      }
      const c = s.charCodeAt(this.position);
      if (c === QUOTE || c === DOUBLE_QUOTE || c === BACKTICK) {
        this.skipQuoted(c);
      } else if (c === DASH || c === HASH || c === SLASH) {
        const at = this.position;
        this.skipSpaceAndComments();
        if (this.position === at) this.position++;
      } else if (c === DOLLAR) {
        if (!this.skipHeredoc()) this.position++;
      } else if (c === SEMICOLON && depth === 0) {
        return true;
      } else {
        if (OPEN.has(c)) depth++;
        else if (CLOSE.has(c)) depth = Math.max(0, depth - 1);
        this.position++;
      }
    }
  }

  /** The token after the next `n` ones, without consuming anything. */
  peek(n = 0): Token {
    while (this.lookahead.length <= n) this.lookahead.push(this.read());
    return this.lookahead[n];
  }

  private read(): Token {
    const s = this.src;
    this.skipSpaceAndComments();
    const start = this.position;
    if (start >= s.length) return { kind: 'eof', text: '', start };
    const c = s.charCodeAt(start);
    let kind: Kind;
    if (c === QUOTE) {
      this.skipQuoted(QUOTE);
      kind = 'string';
    } else if (c === DOUBLE_QUOTE || c === BACKTICK) {
      this.skipQuoted(c);
      kind = 'quoted';
    } else if (c === DOLLAR && this.skipHeredoc()) {
      kind = 'string';
    } else if (isWordStart(c)) {
      let i = start + 1;
      while (i < s.length && (isWordStart(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === DOLLAR)) i++;
      this.position = i;
      kind = 'word';
    } else if (isDigit(c)) {
      let i = start + 1;
      while (i < s.length && (isWordStart(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === DOT)) i++;
      this.position = i;
      kind = 'number';
    } else {
      this.position = start + 1;
      kind = OPEN.has(c) ? 'open' : CLOSE.has(c) ? 'close' : c === SEMICOLON ? 'semicolon' : 'other';
    }
    // Only words, quoted names and single characters are ever compared: skip copying the rest.
    const text = kind === 'word' || kind === 'quoted' ? s.slice(start, this.position) : kind === 'other' ? s[start] : '';
    return { kind, text, start };
  }

  private skipSpaceAndComments(): void {
    const s = this.src;
    for (;;) {
      while (this.position < s.length && isSpace(s.charCodeAt(this.position))) this.position++;
      const c = s.charCodeAt(this.position);
      const d = s.charCodeAt(this.position + 1);
      if ((c === DASH && d === DASH) || (c === HASH && (d === 0x20 || d === 0x21))) {
        const eol = s.indexOf('\n', this.position);
        this.position = eol < 0 ? s.length : eol + 1;
      } else if (c === SLASH && d === STAR) {
        // ClickHouse comments nest.
        let nesting = 0;
        let i = this.position;
        for (; i < s.length; i++) {
          if (s.startsWith('/*', i)) {
            nesting++;
            i++;
          } else if (s.startsWith('*/', i)) {
            nesting--;
            i++;
            if (nesting === 0) break;
          }
        }
        if (nesting > 0) this.unterminated = true;
        this.position = Math.min(i + 1, s.length);
      } else {
        return;
      }
    }
  }

  /** 'string', "identifier" or `identifier`: backslash escapes and doubled quotes. */
  private skipQuoted(quote: number): void {
    const s = this.src;
    let i = this.position + 1;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c !== quote) i++;
      else if (s.charCodeAt(i + 1) === quote) i += 2;
      else {
        this.position = i + 1;
        return;
      }
    }
    this.unterminated = true;
    this.position = s.length;
  }

  /** `$tag$ ... $tag$`; false (nothing consumed) when `$` does not open a heredoc. */
  private skipHeredoc(): boolean {
    const s = this.src;
    const m = /^\$[A-Za-z0-9_]*\$/.exec(s.slice(this.position, this.position + 256));
    if (!m) return false;
    const end = s.indexOf(m[0], this.position + m[0].length);
    if (end < 0) {
      this.unterminated = true;
      this.position = s.length;
    } else {
      this.position = end + m[0].length;
    }
    return true;
  }
}

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const DOT = 0x2e;
const SEMICOLON = 0x3b;
const DASH = 0x2d;
const HASH = 0x23;
const SLASH = 0x2f;
const STAR = 0x2a;
/** Characters that can open or close a string, comment, bracket or statement. */
const VALUES_SPECIAL = new Uint8Array(128);
for (const c of ';\'"`$()[]{}#-/') VALUES_SPECIAL[c.charCodeAt(0)] = 1;
const OPEN = new Set([0x28, 0x5b, 0x7b]); // ( [ {
const CLOSE = new Set([0x29, 0x5d, 0x7d]); // ) ] }

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}
