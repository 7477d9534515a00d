// Tokenizer + recursive-descent parser for the tiny ClickHouse SELECT subset the connector needs.

export class QueryError extends Error {
  constructor(readonly code: number, readonly codeName: string, message: string, readonly httpStatus = 400) {
    super(message);
  }
}
const syntaxError = (msg: string, pos: number) => new QueryError(62, 'SYNTAX_ERROR', `Syntax error at position ${pos}: ${msg}`);

type TokKind = 'ident' | 'qident' | 'num' | 'str' | 'op' | 'eof';
interface Tok {
  k: TokKind;
  v: string;
  pos: number;
}

const OPS = ['>=', '<=', '!=', '<>', '==', '=', '<', '>', '(', ')', ',', '.', '*', ';', '-'];

export function tokenize(sql: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) { i++; continue; }
    if (sql.startsWith('--', i)) { while (i < sql.length && sql[i] !== '\n') i++; continue; }
    if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw syntaxError('unterminated comment', i);
      i = end + 2;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i])) i++;
      toks.push({ k: 'ident', v: sql.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (/[0-9]/.test(sql[i] ?? '')) i++;
      if (sql[i] === '.') { i++; while (/[0-9]/.test(sql[i] ?? '')) i++; }
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (/[0-9]/.test(sql[i] ?? '')) i++;
      }
      if (/[A-Za-z_]/.test(sql[i] ?? '')) throw syntaxError(`bad number ${sql.slice(start, i + 1)}`, start);
      toks.push({ k: 'num', v: sql.slice(start, i), pos: start });
      continue;
    }
    if (c === "'" || c === '`' || c === '"') {
      // 'string' literal, `ident` / "ident"; backslash escapes and doubled quotes in all three.
      i++;
      let out = '';
      for (;;) {
        if (i >= sql.length) throw syntaxError('unterminated quoted token', start);
        const d = sql[i];
        if (d === '\\') {
          const e = sql[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v', e: '\x1b' };
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(sql.slice(i + 2, i + 4))) {
            out += String.fromCharCode(parseInt(sql.slice(i + 2, i + 4), 16));
            i += 4;
          } else {
            out += map[e] ?? e ?? '';
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
      toks.push({ k: c === "'" ? 'str' : 'qident', v: out, pos: start });
      continue;
    }
    const op = OPS.find((o) => sql.startsWith(o, i));
    if (!op) throw syntaxError(`unexpected character ${JSON.stringify(c)}`, i);
    toks.push({ k: 'op', v: op, pos: i });
    i += op.length;
  }
  toks.push({ k: 'eof', v: '', pos: sql.length });
  return toks;
}

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Expr =
  | { t: 'col'; name: string; pos: number }
  | { t: 'star'; pos: number }
  | { t: 'int'; text: string }
  | { t: 'float'; text: string }
  | { t: 'str'; v: string }
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'func'; name: string; args: Expr[]; pos: number }
  | { t: 'tuple'; items: Expr[] }
  | { t: 'cmp'; op: CmpOp; l: Expr; r: Expr }
  | { t: 'logic'; op: 'and' | 'or'; l: Expr; r: Expr }
  | { t: 'not'; e: Expr }
  | { t: 'isnull'; e: Expr; neg: boolean };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}
export interface Query {
  select: SelectItem[];
  from?: { project: string; table: string };
  where?: Expr;
  orderBy: { expr: Expr; desc: boolean; nullsFirst: boolean }[];
  limit?: bigint;
  offset?: bigint;
  /** ClickHouse `LIMIT n BY expr, ...`: at most n rows per distinct value of the expressions. */
  limitBy?: { n: bigint; exprs: Expr[] };
  format?: string;
  settings: Record<string, string>;
}

const RESERVED = new Set(['select', 'from', 'where', 'order', 'by', 'limit', 'offset', 'format', 'settings', 'as', 'and', 'or', 'not', 'is', 'null', 'asc', 'desc', 'nulls', 'first', 'last', 'true', 'false', 'group', 'having']);

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  get t(): Tok {
    return this.toks[this.i];
  }
  kw(word: string): boolean {
    const t = this.t;
    if (t.k === 'ident' && t.v.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }
  expectKw(word: string): void {
    if (!this.kw(word)) throw syntaxError(`expected ${word.toUpperCase()}, got ${this.describe()}`, this.t.pos);
  }
  op(o: string): boolean {
    if (this.t.k === 'op' && this.t.v === o) {
      this.i++;
      return true;
    }
    return false;
  }
  expectOp(o: string): void {
    if (!this.op(o)) throw syntaxError(`expected '${o}', got ${this.describe()}`, this.t.pos);
  }
  describe(): string {
    return this.t.k === 'eof' ? 'end of query' : `'${this.t.v}'`;
  }
  ident(): string {
    const t = this.t;
    if (t.k === 'qident' || (t.k === 'ident' && !RESERVED.has(t.v.toLowerCase()))) {
      this.i++;
      return t.v;
    }
    throw syntaxError(`expected identifier, got ${this.describe()}`, t.pos);
  }

  query(): Query {
    this.expectKw('select');
    const q: Query = { select: [], orderBy: [], settings: {} };
    do {
      const expr = this.expr();
      let alias: string | undefined;
      if (this.kw('as')) alias = this.ident();
      q.select.push({ expr, alias });
    } while (this.op(','));
    if (this.kw('from')) {
      const a = this.ident();
      if (this.op('.')) q.from = { project: a, table: this.ident() };
      else q.from = { project: '', table: a }; // Hydrolix tables are always project.table
    }
    if (this.kw('where')) q.where = this.expr();
    if (this.t.k === 'ident' && ['group', 'having'].includes(this.t.v.toLowerCase())) {
      throw new QueryError(48, 'NOT_IMPLEMENTED', `${this.t.v.toUpperCase()} is not supported by the emulator`);
    }
    if (this.kw('order')) {
      this.expectKw('by');
      do {
        const expr = this.expr();
        const desc = this.kw('desc') ? true : (this.kw('asc'), false);
        let nullsFirst = false;
        if (this.kw('nulls')) {
          if (this.kw('first')) nullsFirst = true;
          else this.expectKw('last');
        }
        q.orderBy.push({ expr, desc, nullsFirst });
      } while (this.op(','));
    }
    if (this.kw('limit')) {
      let a: bigint | undefined = this.uint();
      if (this.kw('by')) {
        const exprs: Expr[] = [];
        do exprs.push(this.expr());
        while (this.op(','));
        q.limitBy = { n: a, exprs };
        a = this.kw('limit') ? this.uint() : undefined; // LIMIT n BY x may be followed by a plain LIMIT
      }
      if (a !== undefined) {
        if (this.op(',')) {
          q.offset = a;
          q.limit = this.uint();
        } else {
          q.limit = a;
          if (this.kw('offset')) q.offset = this.uint();
        }
      }
    }
    for (let n = 0; n < 2; n++) {
      if (this.kw('settings')) {
        do {
          const k = this.ident();
          this.expectOp('=');
          const v = this.t;
          if (v.k !== 'num' && v.k !== 'str' && v.k !== 'ident') throw syntaxError('expected setting value', v.pos);
          this.i++;
          q.settings[k] = v.v;
        } while (this.op(','));
      }
      if (this.kw('format')) q.format = this.ident();
    }
    this.op(';');
    if (this.t.k !== 'eof') throw syntaxError(`unexpected ${this.describe()}`, this.t.pos);
    return q;
  }
  uint(): bigint {
    const t = this.t;
    if (t.k !== 'num' || !/^\d+$/.test(t.v)) throw syntaxError(`expected unsigned integer, got ${this.describe()}`, t.pos);
    this.i++;
    return BigInt(t.v);
  }

  // precedence: OR < AND < NOT < comparison / IS NULL < primary
  expr(): Expr {
    let l = this.and();
    while (this.kw('or')) l = { t: 'logic', op: 'or', l, r: this.and() };
    return l;
  }
  and(): Expr {
    let l = this.not();
    while (this.kw('and')) l = { t: 'logic', op: 'and', l, r: this.not() };
    return l;
  }
  not(): Expr {
    if (this.kw('not')) return { t: 'not', e: this.not() };
    return this.cmp();
  }
  cmp(): Expr {
    const l = this.primary();
    const t = this.t;
    if (t.k === 'op' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      this.i++;
      const op = (t.v === '==' ? '=' : t.v === '<>' ? '!=' : t.v) as CmpOp;
      return { t: 'cmp', op, l, r: this.primary() };
    }
    if (this.kw('is')) {
      const neg = this.kw('not');
      this.expectKw('null');
      return { t: 'isnull', e: l, neg };
    }
    return l;
  }
  primary(): Expr {
    const t = this.t;
    if (t.k === 'num') {
      this.i++;
      return /^\d+$/.test(t.v) ? { t: 'int', text: t.v } : { t: 'float', text: t.v };
    }
    if (t.k === 'op' && t.v === '-' && this.toks[this.i + 1].k === 'num') {
      this.i += 2;
      const v = this.toks[this.i - 1].v;
      return /^\d+$/.test(v) ? { t: 'int', text: '-' + v } : { t: 'float', text: '-' + v };
    }
    if (t.k === 'str') {
      this.i++;
      return { t: 'str', v: t.v };
    }
    if (this.op('*')) return { t: 'star', pos: t.pos };
    if (this.op('(')) {
      const items = [this.expr()];
      while (this.op(',')) items.push(this.expr());
      this.expectOp(')');
      return items.length === 1 ? items[0] : { t: 'tuple', items };
    }
    if (t.k === 'ident') {
      const lw = t.v.toLowerCase();
      if (lw === 'null') { this.i++; return { t: 'null' }; }
      if (lw === 'true' || lw === 'false') { this.i++; return { t: 'bool', v: lw === 'true' }; }
    }
    if (t.k === 'ident' && this.toks[this.i + 1].k === 'op' && this.toks[this.i + 1].v === '(') {
      this.i += 2;
      const args: Expr[] = [];
      if (!this.op(')')) {
        do args.push(this.expr());
        while (this.op(','));
        this.expectOp(')');
      }
      return t.v.toLowerCase() === 'tuple' ? { t: 'tuple', items: args } : { t: 'func', name: t.v, args, pos: t.pos };
    }
    return { t: 'col', name: this.ident(), pos: t.pos };
  }
}

export function parseQuery(sql: string): Query {
  return new Parser(tokenize(sql)).query();
}
