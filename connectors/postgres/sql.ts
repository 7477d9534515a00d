import { PermanentError, type Column, type KeyTuple, type KeyValue, type SourceSpec } from '../types';

/** Double-quotes an identifier, doubling embedded quotes. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new PermanentError(`invalid identifier ${JSON.stringify(name)}`);
  return '"' + name.replace(/"/g, '""') + '"';
}

export const qualify = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

/** Single-quoted SQL literal (DDL only, e.g. COMMENT; values are always $n parameters). */
export const quoteLiteral = (s: string) => "'" + s.replace(/'/g, "''") + "'";

/** PostgreSQL identifier characters (the lexer takes every byte >= 0x80 as a letter). */
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Blanks string literals ('..', E'..', $tag$..$tag$), quoted identifiers and comments, lexing as
 * the server does: `--` ends at \r or \n, `/* *\/` nest, `$` opens a dollar quote only where an
 * identifier does not continue, E'' strings take backslash escapes (plain '' strings do not: the
 * source session runs with standard_conforming_strings=on). Same length as input.
 */
export function maskSql(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  const blank = (from: number, to: number, keep = '') => {
    out += keep + ' '.repeat(Math.max(0, to - from - 2 * keep.length)) + keep;
    i = to;
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const escapes = c === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && !IDENT_CHAR.test(sql[i - 2] ?? ' ');
      let j = i + 1;
      while (j < n) {
        if (escapes && sql[j] === '\\') { j += 2; continue; }
        if (sql[j] === c) {
          if (sql[j + 1] === c) { j += 2; continue; }
          break;
        }
        j++;
      }
      if (j >= n) throw new PermanentError('source_config.query has an unterminated quoted string or identifier');
      blank(i, j + 1, c);
    } else if (c === '$' && !IDENT_CHAR.test(sql[i - 1] ?? ' ')) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 200))?.[0];
      if (!tag) { out += c; i++; continue; }
      const end = sql.indexOf(tag, i + tag.length);
      if (end < 0) throw new PermanentError('source_config.query has an unterminated dollar-quoted string');
      blank(i, end + tag.length, "'");
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === '/' && sql[j + 1] === '*') { depth++; j += 2; } else if (sql[j] === '*' && sql[j + 1] === '/') { depth--; j += 2; } else j++;
      }
      if (depth > 0) throw new PermanentError('source_config.query has an unterminated /* comment');
      blank(i, j);
    } else if (c === '-' && next === '-') {
      let end = i + 2;
      while (end < n && sql[end] !== '\n' && sql[end] !== '\r') end++;
      blank(i, end);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bINTO\b/i, 'INTO (SELECT INTO creates a table)'],
  [/\bFOR\s+(NO\s+KEY\s+)?UPDATE\b/i, 'FOR UPDATE'],
  [/\bFOR\s+(KEY\s+)?SHARE\b/i, 'FOR SHARE'],
];

/**
 * Accepts exactly one SELECT (or WITH … SELECT) and returns it without a trailing semicolon.
 * It is always read as a derived table on a read-only session, so PostgreSQL itself rejects
 * data-modifying CTEs and writes from functions; this check gives clear messages first.
 */
export function validateQuery(query: string): string {
  const masked = maskSql(query);
  let end = masked.trimEnd().length;
  if (masked[end - 1] === ';') end -= 1;
  const code = masked.slice(0, end);
  if (code.includes(';')) throw new PermanentError('source_config.query must be a single statement (found a ";" inside it)');
  if (!/^[\s(]*(SELECT|WITH)\b/i.test(code)) throw new PermanentError('source_config.query must be a SELECT (or WITH … SELECT) statement');
  for (const [re, what] of FORBIDDEN) {
    if (re.test(code)) throw new PermanentError(`source_config.query must be read-only: ${what} is not allowed`);
  }
  return query.slice(0, end).trim();
}

/** The row set as a FROM item; the newline before `)` keeps a trailing `-- comment` from eating it. */
export function sourceRef(spec: SourceSpec, qualifiedTable?: string): string {
  if (spec.query !== undefined) return `(\n${validateQuery(spec.query)}\n) AS _es_q`;
  if (!qualifiedTable) throw new PermanentError('source_config needs a table or a query');
  return qualifiedTable;
}

/**
 * The row set narrowed to an incremental window (`after` < cursor, `from` <= cursor <= `upTo`) as a derived table;
 * the bounds are $1/$2 parameters returned alongside.
 */
export function windowedRef(spec: SourceSpec, columns: Column[], qualifiedTable?: string): { sql: string; params: unknown[] } {
  const base = sourceRef(spec, qualifiedTable);
  const w = spec.window;
  if (!w || (w.after === null && w.from == null && w.upTo === null)) return { sql: base, params: [] };
  const col = columns.find((c) => c.name === w.column);
  if (!col) throw new PermanentError(`options.cursor_column "${w.column}" is not a column of the source rows`);
  const params: unknown[] = [];
  const conds: string[] = [];
  for (const [v, op] of [[w.after, '>'], [w.from ?? null, '>='], [w.upTo, '<=']] as const) {
    if (v === null) continue;
    params.push(keyParam(col, v));
    conds.push(`${quoteIdent(col.name)} ${op} $${params.length}`);
  }
  return { sql: `(SELECT * FROM ${base} WHERE ${conds.join(' AND ')}) AS _es_w`, params };
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Canonical key value → exact parameter: numbers as digit text (never via double), binary keys from hex. */
export function keyParam(col: Column, v: KeyValue): unknown {
  switch (col.type.kind) {
    case 'int': case 'decimal': case 'bit': case 'year': {
      const s = String(v);
      if (!NUMERIC.test(s)) throw new PermanentError(`key value ${JSON.stringify(v)} for "${col.name}" is not numeric`);
      return s;
    }
    case 'boolean':
      // Destination may be boolean or smallint: both accept '0'/'1'.
      return String(v);
    case 'binary':
      return Buffer.from(String(v), 'hex');
    default:
      return String(v);
  }
}

/** Key kinds that compare the same way in ORDER BY and in `>` with a parameter. */
const PAGEABLE = new Set(['int', 'boolean', 'decimal', 'date', 'datetime', 'time', 'year', 'string', 'binary', 'bit', 'enum', 'set']);
export const isPageable = (col: Column) => PAGEABLE.has(col.type.kind);

const COLLATABLE = new Set(['string', 'enum', 'set']);

export interface KeysetOptions {
  /**
   * Compare string keys in code-point order (COLLATE "C"). Destinations use it so their ranges and
   * max key agree with MySQL `_bin` collations whatever the database default collation is.
   */
  binaryCollation?: boolean;
}

/** `(k1, k2)` for row-value comparisons and ORDER BY. */
export function keyList(keyCols: Column[], opts: KeysetOptions = {}, suffix = ''): string {
  return keyCols
    .map((c) => quoteIdent(c.name) + (opts.binaryCollation && COLLATABLE.has(c.type.kind) ? ' COLLATE "C"' : '') + suffix)
    .join(', ');
}

/**
 * ` WHERE (k) > ($1) AND (k) <= ($2)` with row-value comparisons (PostgreSQL range-scans the
 * composite index for them). Appends the parameters to `params`.
 */
export function rangeWhere(keyCols: Column[], after: KeyTuple | null, upTo: KeyTuple | null, params: unknown[], opts: KeysetOptions = {}): string {
  const lhs = `(${keyList(keyCols, opts)})`;
  const parts: string[] = [];
  for (const [tuple, op] of [[after, '>'], [upTo, '<=']] as const) {
    if (!tuple) continue;
    if (tuple.length !== keyCols.length) throw new PermanentError(`key tuple has ${tuple.length} values, key has ${keyCols.length} columns`);
    const ph = keyCols.map((c, i) => {
      params.push(keyParam(c, tuple[i]));
      return `$${params.length}`;
    });
    parts.push(`${lhs} ${op} (${ph.join(', ')})`);
  }
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
}
