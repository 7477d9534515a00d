// Just enough lexing of ClickHouse SQL to pass a query on to the real engine: find `project.table`
// references, the trailing SETTINGS / FORMAT clauses, and comparisons on a column. Parsing and
// evaluation are ClickHouse's own (see engine.ts); nothing here decides what a query means.

export class QueryError extends Error {
  constructor(readonly code: number, readonly codeName: string, message: string) {
    super(message);
  }
}
const syntaxError = (msg: string, pos: number) => new QueryError(62, 'SYNTAX_ERROR', `Syntax error at position ${pos}: ${msg}`);

/** ident: bare word; qident: `quoted` or "quoted" identifier (v decoded); str: 'literal' or heredoc (v decoded). */
export type TokKind = 'ident' | 'qident' | 'str' | 'num' | 'op';
export interface Tok {
  k: TokKind;
  v: string;
  start: number;
  end: number;
}

const MULTI_OPS = ['<=>', '::', '->', '<=', '>=', '!=', '<>', '==', '||'];
const isIdentStart = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isIdentChar = (c: string) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v', e: '\x1b' };

/** Tokens of a query, comments and whitespace dropped; `start`/`end` index the original text. */
export function tokenize(sql: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) { i++; continue; }
    if (sql.startsWith('--', i) || (c === '#' && (sql[i + 1] === ' ' || sql[i + 1] === '!'))) {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      // ClickHouse comments nest.
      let depth = 0;
      const start = i;
      do {
        if (sql.startsWith('/*', i)) { depth++; i += 2; } else if (sql.startsWith('*/', i)) { depth--; i += 2; } else i++;
      } while (depth > 0 && i < sql.length);
      if (depth > 0) throw syntaxError('unterminated comment', start);
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < sql.length && isIdentChar(sql[i])) i++;
      toks.push({ k: 'ident', v: sql.slice(start, i), start, end: i });
      continue;
    }
    const prev = toks[toks.length - 1];
    const afterOperand = prev && (prev.k === 'ident' || prev.k === 'qident' || (prev.k === 'op' && (prev.v === ')' || prev.v === ']')));
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? '') && !afterOperand)) {
      // Loose: digits, letters, '_' and '.', plus an exponent sign (1e-5, 0x1F, 1_000, 1.5).
      while (i < sql.length && (/[0-9A-Za-z_.]/.test(sql[i]) || ((sql[i] === '-' || sql[i] === '+') && /[eE]/.test(sql[i - 1]) && !/^0x/i.test(sql.slice(start, i))))) i++;
      toks.push({ k: 'num', v: sql.slice(start, i), start, end: i });
      continue;
    }
    if (c === "'" || c === '`' || c === '"') {
      i++;
      let out = '';
      for (;;) {
        if (i >= sql.length) throw syntaxError('unterminated quoted token', start);
        const d = sql[i];
        if (d === '\\') {
          const e = sql[i + 1] ?? '';
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(sql.slice(i + 2, i + 4))) {
            out += String.fromCharCode(parseInt(sql.slice(i + 2, i + 4), 16));
            i += 4;
          } else {
            out += ESCAPES[e] ?? e;
            i += 2;
          }
          continue;
        }
        if (d === c) {
          if (sql[i + 1] === c) { out += c; i += 2; continue; }
          i++;
          break;
        }
        out += d;
        i++;
      }
      toks.push({ k: c === "'" ? 'str' : 'qident', v: out, start, end: i });
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z0-9_]*)\$/.exec(sql.slice(i));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        if (close < 0) throw syntaxError('unterminated heredoc', start);
        toks.push({ k: 'str', v: sql.slice(i + m[0].length, close), start, end: close + m[0].length });
        i = close + m[0].length;
        continue;
      }
    }
    const op = MULTI_OPS.find((o) => sql.startsWith(o, i)) ?? c;
    toks.push({ k: 'op', v: op, start, end: i + op.length });
    i += op.length;
  }
  return toks;
}

export const isKw = (t: Tok | undefined, ...words: string[]): boolean => t?.k === 'ident' && words.includes(t.v.toUpperCase());
const isOp = (t: Tok | undefined, ...ops: string[]): boolean => t?.k === 'op' && ops.includes(t.v);
const isName = (t: Tok | undefined): boolean => t?.k === 'ident' || t?.k === 'qident';

/** `a.b` two-part names (tokens i, i+2), the candidates for `project.table`. */
export interface TwoPartName {
  first: Tok;
  second: Tok;
  /** After FROM or JOIN: certainly a table, so an unknown one is an error rather than, say, a column. */
  tablePosition: boolean;
}
export function twoPartNames(toks: Tok[]): TwoPartName[] {
  const out: TwoPartName[] = [];
  for (let i = 0; i + 2 < toks.length; i++) {
    if (!isName(toks[i]) || !isOp(toks[i + 1], '.') || !isName(toks[i + 2])) continue;
    if (isOp(toks[i - 1], '.')) continue; // the tail of a longer chain
    out.push({ first: toks[i], second: toks[i + 2], tablePosition: isKw(toks[i - 1], 'FROM', 'JOIN') });
    i += 2;
  }
  return out;
}

/** Parenthesis depth before each token. */
export function depths(toks: Tok[]): number[] {
  const out: number[] = [];
  let d = 0;
  for (const t of toks) {
    if (isOp(t, ')', ']', '}')) d--;
    out.push(d);
    if (isOp(t, '(', '[', '{')) d++;
  }
  return out;
}

export interface Setting {
  key: string;
  /** The value with a string literal decoded (`'24.8'` → `24.8`). */
  value: string;
  /** The value as written, for passing on. */
  raw: string;
}
export interface Tail {
  /** Settings of the trailing SETTINGS clause(s), in order. */
  settings: Setting[];
  format?: string;
  /** Token index where the trailing clauses (and a final `;`) begin: the query proper is toks[0, end). */
  end: number;
}

/** The top-level `SETTINGS k=v, …` and `FORMAT name` clauses ending the query, in either order. */
export function queryTail(sql: string, toks: Tok[]): Tail {
  const d = depths(toks);
  let n = toks.length;
  if (isOp(toks[n - 1], ';')) n--;
  const tail: Tail = { settings: [], end: n };
  // Walk backwards over clauses that reach the end of the query.
  for (;;) {
    const e = tail.end;
    if (e >= 2 && isKw(toks[e - 2], 'FORMAT') && isName(toks[e - 1]) && d[e - 2] === 0 && tail.format === undefined) {
      tail.format = toks[e - 1].v;
      tail.end = e - 2;
      continue;
    }
    const s = settingsClauseEndingAt(sql, toks, d, e);
    if (s) {
      tail.settings.unshift(...s.settings);
      tail.end = s.start;
      continue;
    }
    return tail;
  }
}

function settingsClauseEndingAt(sql: string, toks: Tok[], d: number[], end: number): { start: number; settings: Setting[] } | null {
  // Find the nearest top-level SETTINGS before `end`, then check it parses as k = v (, k = v)* up to `end`.
  for (let i = end - 1; i >= 0; i--) {
    if (!(isKw(toks[i], 'SETTINGS') && d[i] === 0)) continue;
    const settings: Setting[] = [];
    let j = i + 1;
    while (j < end) {
      if (!isName(toks[j]) || !isOp(toks[j + 1], '=')) return null;
      const key = toks[j].v;
      j += 2;
      const v0 = j;
      while (j < end && !(isOp(toks[j], ',') && d[j] === 0)) j++;
      if (j === v0) return null;
      const vt = toks.slice(v0, j);
      const raw = sql.slice(vt[0].start, vt[vt.length - 1].end);
      settings.push({ key, value: vt.length === 1 && vt[0].k !== 'op' ? vt[0].v : raw, raw });
      if (j < end) j++; // the comma
    }
    return settings.length ? { start: i, settings } : null;
  }
  return null;
}

const STOP_WORDS = ['AND', 'OR', 'WHERE', 'PREWHERE', 'HAVING', 'GROUP', 'ORDER', 'LIMIT', 'SETTINGS', 'FORMAT', 'UNION', 'WINDOW', 'QUALIFY',
  'INTERSECT', 'EXCEPT', 'THEN', 'ELSE', 'END', 'WHEN', 'NOT', 'SELECT', 'FROM', 'ON', 'USING', 'JOIN', 'OFFSET', 'BETWEEN'];
const CMP = ['<', '<=', '>', '>=', '=', '=='];
const FLIP: Record<string, Bound['op']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '==': '=' };
const SAME: Record<string, Bound['op']> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=', '==': '=' };

/** A comparison bound on a column: `col > X` gives `{op: '>', expr: X}` (operands flipped to put the column left). */
export interface Bound {
  op: '<' | '<=' | '>' | '>=' | '=';
  /** The other operand's source text (to be evaluated by the engine). */
  expr: string;
}

/**
 * Comparisons of `column` (bare or qualified) with an operand, in WHERE / PREWHERE clauses:
 * `col op X`, `X op col`, `col BETWEEN X AND Y`. Found by position, not by full parsing: a
 * comparison under OR still counts (the same leniency a pruning check based on predicates has).
 */
export function columnBounds(sql: string, toks: Tok[], column: string): Bound[] {
  const d = depths(toks);
  // The clause each token belongs to: the latest clause keyword at its depth or an enclosing one.
  const clause: string[] = [];
  const open: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    open.length = d[i] + 1; // leaving a parenthesis ends the clauses opened inside it
    if (isKw(toks[i], 'SELECT', 'FROM', 'WHERE', 'PREWHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'SETTINGS', 'FORMAT', 'ON', 'USING', 'WITH', 'WINDOW', 'QUALIFY')) {
      open[d[i]] = toks[i].v.toUpperCase();
    }
    let c = '';
    for (let k = d[i]; k >= 0 && !c; k--) c = open[k] ?? '';
    clause.push(c);
  }
  const text = (a: number, b: number) => sql.slice(toks[a].start, toks[b - 1].end);
  // Operand after position i (exclusive of a trailing stop word), at the same depth.
  const forward = (i: number): number => {
    let j = i;
    while (j < toks.length && d[j] >= d[i] && !(d[j] === d[i] && (isOp(toks[j], ',', ';') || isKw(toks[j], ...STOP_WORDS)))) j++;
    return j;
  };
  const backward = (i: number): number => {
    let j = i;
    while (j >= 0 && d[j] >= d[i] && !(d[j] === d[i] && (isOp(toks[j], ',') || isKw(toks[j], ...STOP_WORDS)))) j--;
    return j + 1;
  };
  const out: Bound[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (!isName(toks[i]) || toks[i].v !== column || (clause[i] !== 'WHERE' && clause[i] !== 'PREWHERE')) continue;
    if (isOp(toks[i + 1], '.') || isOp(toks[i + 1], '(')) continue; // a qualifier or a function name, not the column
    const first = isOp(toks[i - 1], '.') && isName(toks[i - 2]) ? i - 2 : i;
    const next = toks[i + 1];
    if (next?.k === 'op' && CMP.includes(next.v)) {
      const end = forward(i + 2);
      if (end > i + 2) out.push({ op: SAME[next.v], expr: text(i + 2, end) });
    } else if (isKw(next, 'BETWEEN') && !isKw(toks[first - 1], 'NOT')) {
      const loEnd = forward(i + 2);
      if (isKw(toks[loEnd], 'AND')) {
        const hiEnd = forward(loEnd + 1);
        if (loEnd > i + 2 && hiEnd > loEnd + 1) out.push({ op: '>=', expr: text(i + 2, loEnd) }, { op: '<=', expr: text(loEnd + 1, hiEnd) });
      }
    }
    const prev = toks[first - 1];
    if (prev?.k === 'op' && CMP.includes(prev.v)) {
      const start = backward(first - 2);
      if (start < first - 1) out.push({ op: FLIP[prev.v], expr: text(start, first - 1) });
    }
  }
  return out;
}
