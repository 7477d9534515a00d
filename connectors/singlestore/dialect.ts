/**
 * The SingleStore/MySQL dialect as the server lexes it: identifier quoting and the read-only query
 * check. Driver-free, so the API can check requests without loading mysql2.
 */
import { PermanentError } from '../types';

/** Backtick-quotes an identifier, doubling embedded backticks. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new PermanentError(`invalid identifier ${JSON.stringify(name)}`);
  return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * Blanks string literals, quoted identifiers and comments, so keyword checks see only code, lexing
 * as MySQL/MariaDB do: `#` and `-- ` (dashes then whitespace or a control character) run to the end
 * of the line, `/* *\/` does not nest, `/*!` is code. Strings take backslash escapes unless the
 * server runs with NO_BACKSLASH_ESCAPES (`backslashEscapes` false; ANSI_QUOTES identifiers lex the
 * same way). Same length as input.
 */
export function maskSql(sql: string, backslashEscapes = true): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n) {
        if (backslashEscapes && sql[j] === '\\' && c !== '`') { j += 2; continue; }
        if (sql[j] === c) {
          if (sql[j + 1] === c) { j += 2; continue; }
          break;
        }
        j++;
      }
      if (j >= n) throw new PermanentError('source_config.query has an unterminated quoted string or identifier');
      out += c + ' '.repeat(j - i - 1) + c;
      i = j + 1;
    } else if (c === '/' && next === '*') {
      // `/*! ... */` and `/*M! ... */` are executed by MySQL/MariaDB: refuse to treat them as comments.
      if (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!')) {
        throw new PermanentError('source_config.query must not contain executable comments (/*! ... */)');
      }
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new PermanentError('source_config.query has an unterminated /* comment');
      out += ' '.repeat(end + 2 - i);
      i = end + 2;
    } else if (c === '#' || (c === '-' && next === '-' && /[\x00-\x20]/.test(sql[i + 2] ?? ' '))) {
      let end = sql.indexOf('\n', i);
      if (end < 0) end = n;
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bINTO\b/i, 'INTO (OUTFILE/DUMPFILE/variables/S2 exports)'],
  [/\bFOR\s+UPDATE\b/i, 'FOR UPDATE'],
  [/\bFOR\s+SHARE\b/i, 'FOR SHARE'],
  [/\bLOCK\s+IN\s+SHARE\s+MODE\b/i, 'LOCK IN SHARE MODE'],
];

/**
 * Accepts exactly one read-only SELECT (or WITH … SELECT) and returns it without its trailing
 * semicolon (and trailing comments). Every later statement wraps it as a derived table, so the server rejects anything
 * that is not a query expression; this check gives a clear message and blocks side effects
 * (INTO OUTFILE, locking reads) that a derived table would still allow.
 */
export function validateQuery(query: string): string {
  const masked = maskSql(query);
  let end = masked.trimEnd().length;
  if (masked[end - 1] === ';') end -= 1;
  const body = query.slice(0, end);
  checkCode(masked.slice(0, end));
  // The server's sql_mode decides whether backslashes escape: what we send must pass either way.
  // (Text that does not lex without escapes, e.g. an unterminated string, is refused by such a server.)
  let plain: string | undefined;
  try {
    plain = maskSql(body, false);
  } catch {
    plain = undefined;
  }
  if (plain !== undefined) checkCode(plain);
  return body.trim();
}

function checkCode(code: string): void {
  if (code.includes(';')) throw new PermanentError('source_config.query must be a single statement (found a ";" inside it)');
  if (!/^[\s(]*(SELECT|WITH)\b/i.test(code)) throw new PermanentError('source_config.query must be a SELECT (or WITH … SELECT) statement');
  for (const [re, what] of FORBIDDEN) {
    if (re.test(code)) throw new PermanentError(`source_config.query must be read-only: ${what} is not allowed`);
  }
}
