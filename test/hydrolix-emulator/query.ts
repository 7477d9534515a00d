// Query API (doc §6): compiles the parsed SELECT against a table's schema, with ClickHouse typing rules.
import { authenticate } from './auth';
import { parseClickHouseDateTime } from './datetime';
import { renderResult } from './formats';
import { decodeUtf8, header, json, Req, Res } from './http';
import { Expr, parseQuery, Query, QueryError } from './sql';
import type { EmulatorState } from './state';
import { chName, compareSql, compareTotal, defaultOf, DT, QType, toInspectJson, Tuple, Value } from './values';

type Row = Record<string, Value>;
interface C {
  type: QType;
  ev: (row: Row) => Value;
  name: string;
  hasCol: boolean;
  hasAgg: boolean;
  lit?: Value; // set for constant literals (allows ClickHouse-style coercion of string literals)
  items?: C[]; // set for tuple constructors
}
interface Agg {
  feed(row: Row): void;
}
interface Ctx {
  columns: Map<string, QType>;
  aggs: Agg[] | null; // null: aggregate functions not allowed here (WHERE, or inside another aggregate)
}

const u8 = (nullable: boolean): QType => ({ k: 'int', ch: 'UInt8', nullable });
const U64: QType = { k: 'int', ch: 'UInt64', nullable: false };

function intLiteralType(n: bigint): QType {
  const ch = n >= 0n
    ? n < 256n ? 'UInt8' : n < 65536n ? 'UInt16' : n < 2n ** 32n ? 'UInt32' : n < 2n ** 64n ? 'UInt64' : n < 2n ** 128n ? 'UInt128' : 'UInt256'
    : n >= -128n ? 'Int8' : n >= -32768n ? 'Int16' : n >= -(2n ** 31n) ? 'Int32' : n >= -(2n ** 63n) ? 'Int64' : n >= -(2n ** 127n) ? 'Int128' : 'Int256';
  return { k: 'int', ch, nullable: false };
}

const containsNullable = (t: QType): boolean => t.nullable || (t.k === 'tuple' && t.items.some(containsNullable));
const isNumeric = (t: QType) => t.k === 'int' || t.k === 'float';
const quoteLit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function constC(v: Value, type: QType, name: string): C {
  return { type, ev: () => v, name, hasCol: false, hasAgg: false, lit: v };
}

/** ClickHouse converts a string literal to the other operand's type in comparisons. */
function coerce(c: C, target: QType): C {
  if (c.items && target.k === 'tuple' && c.items.length === target.items.length) {
    return tupleC(c.items.map((x, i) => coerce(x, target.items[i])));
  }
  if (typeof c.lit !== 'string') return c;
  const s = c.lit;
  const fail = (): never => {
    throw new QueryError(6, 'CANNOT_PARSE_TEXT', `Cannot parse string ${quoteLit(s)} as ${chName(target)}`);
  };
  switch (target.k) {
    case 'int': return /^-?\d+$/.test(s) ? constC(BigInt(s), { ...target, nullable: false }, c.name) : fail();
    case 'float': return s.trim() !== '' && Number.isFinite(Number(s)) ? constC(Number(s), { ...target, nullable: false }, c.name) : fail();
    case 'dt': {
      const ms = parseClickHouseDateTime(s);
      return ms === null ? fail() : constC(new DT(ms, target.res), { ...target, nullable: false }, c.name);
    }
    default: return c;
  }
}

function comparable(a: QType, b: QType): boolean {
  if (a.k === 'null' || b.k === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.k === 'tuple' && b.k === 'tuple') return a.items.length === b.items.length && a.items.every((x, i) => comparable(x, b.items[i]));
  if (a.k === 'array' && b.k === 'array') return comparable(a.item, b.item);
  return a.k === b.k && a.k !== 'map' && a.k !== 'json';
}

function tupleC(items: C[]): C {
  return {
    type: { k: 'tuple', items: items.map((x) => x.type), nullable: false },
    ev: (row) => new Tuple(items.map((x) => x.ev(row))),
    name: `tuple(${items.map((x) => x.name).join(', ')})`,
    hasCol: items.some((x) => x.hasCol),
    hasAgg: items.some((x) => x.hasAgg),
    items,
  };
}

const CMP_NAMES = { '=': 'equals', '!=': 'notEquals', '<': 'less', '<=': 'lessOrEquals', '>': 'greater', '>=': 'greaterOrEquals' };
const truth = (v: Value): boolean | null => (v === null ? null : v !== 0n && v !== 0);

function compile(e: Expr, ctx: Ctx): C {
  switch (e.t) {
    case 'col': {
      const type = ctx.columns.get(e.name);
      if (!type) {
        throw new QueryError(47, 'UNKNOWN_IDENTIFIER', `Missing columns: '${e.name}' while processing query. Known columns: ${[...ctx.columns.keys()].map((k) => `'${k}'`).join(', ')}`, 404);
      }
      return { type, ev: (row) => row[e.name] ?? null, name: e.name, hasCol: true, hasAgg: false };
    }
    case 'star': throw new QueryError(62, 'SYNTAX_ERROR', 'Asterisk is only allowed as a select item or in count(*)');
    case 'int': {
      const n = BigInt(e.text);
      return constC(n, intLiteralType(n), e.text);
    }
    case 'float': return constC(Number(e.text), { k: 'float', ch: 'Float64', nullable: false }, e.text);
    case 'str': return constC(e.v, { k: 'string', ch: 'String', nullable: false }, quoteLit(e.v));
    case 'null': return constC(null, { k: 'null', nullable: true }, 'NULL');
    case 'bool': return constC(e.v ? 1n : 0n, { k: 'int', ch: 'Bool', nullable: false }, e.v ? 'true' : 'false');
    case 'tuple': return tupleC(e.items.map((x) => compile(x, ctx)));
    case 'cmp': {
      let l = compile(e.l, ctx), r = compile(e.r, ctx);
      l = coerce(l, r.type);
      r = coerce(r, l.type);
      if (!comparable(l.type, r.type)) {
        throw new QueryError(386, 'NO_COMMON_TYPE', `There is no supertype for types ${chName(l.type)}, ${chName(r.type)}: cannot compare them`);
      }
      const op = e.op;
      const test = (c: number) => (op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
      return {
        type: u8(containsNullable(l.type) || containsNullable(r.type)),
        ev: (row) => {
          const c = compareSql(l.ev(row), r.ev(row));
          return c === null ? null : test(c) ? 1n : 0n;
        },
        name: `${CMP_NAMES[op]}(${l.name}, ${r.name})`,
        hasCol: l.hasCol || r.hasCol,
        hasAgg: l.hasAgg || r.hasAgg,
      };
    }
    case 'logic': {
      const l = compile(e.l, ctx), r = compile(e.r, ctx);
      for (const x of [l, r]) {
        if (!isNumeric(x.type) && x.type.k !== 'null') throw new QueryError(43, 'ILLEGAL_TYPE_OF_ARGUMENT', `Illegal type ${chName(x.type)} of argument of function ${e.op}`);
      }
      const and = e.op === 'and';
      return {
        type: u8(l.type.nullable || r.type.nullable),
        ev: (row) => {
          const a = truth(l.ev(row));
          if (a === !and) return and ? 0n : 1n; // short-circuit: false AND x, true OR x
          const b = truth(r.ev(row));
          if (b === !and) return and ? 0n : 1n;
          return a === null || b === null ? null : and ? 1n : 0n;
        },
        name: `${e.op}(${l.name}, ${r.name})`,
        hasCol: l.hasCol || r.hasCol,
        hasAgg: l.hasAgg || r.hasAgg,
      };
    }
    case 'not': {
      const x = compile(e.e, ctx);
      if (!isNumeric(x.type) && x.type.k !== 'null') throw new QueryError(43, 'ILLEGAL_TYPE_OF_ARGUMENT', `Illegal type ${chName(x.type)} of argument of function not`);
      return { ...x, type: u8(x.type.nullable), ev: (row) => { const t = truth(x.ev(row)); return t === null ? null : t ? 0n : 1n; }, name: `not(${x.name})`, lit: undefined, items: undefined };
    }
    case 'isnull': {
      const x = compile(e.e, ctx);
      return { ...x, type: u8(false), ev: (row) => ((x.ev(row) === null) !== e.neg ? 1n : 0n), name: `${e.neg ? 'isNotNull' : 'isNull'}(${x.name})`, lit: undefined, items: undefined };
    }
    case 'func': return compileFunc(e, ctx);
  }
}

function compileFunc(e: Extract<Expr, { t: 'func' }>, ctx: Ctx): C {
  const name = e.name.toLowerCase();
  if (name !== 'count' && name !== 'max' && name !== 'min') {
    throw new QueryError(46, 'UNKNOWN_FUNCTION', `Unknown function ${e.name} (the emulator implements count, max, min, tuple)`, 404);
  }
  if (!ctx.aggs) throw new QueryError(184, 'ILLEGAL_AGGREGATION', `Aggregate function ${e.name} is found in WHERE or inside another aggregate function in query`);
  const inner: Ctx = { columns: ctx.columns, aggs: null };
  if (name === 'count') {
    if (e.args.length > 1) throw new QueryError(42, 'NUMBER_OF_ARGUMENTS_DOESNT_MATCH', 'count takes at most one argument');
    const arg = e.args.length === 0 || e.args[0].t === 'star' ? null : compile(e.args[0], inner);
    let n = 0n;
    ctx.aggs.push({ feed: (row) => { if (!arg || arg.ev(row) !== null) n++; } });
    return { type: U64, ev: () => n, name: `count(${arg ? arg.name : ''})`, hasCol: false, hasAgg: true };
  }
  if (e.args.length !== 1) throw new QueryError(42, 'NUMBER_OF_ARGUMENTS_DOESNT_MATCH', `Aggregate function ${name} requires exactly one argument`);
  const arg = compile(e.args[0], inner);
  const sign = name === 'max' ? 1 : -1;
  // Zero rows (or only NULLs): ClickHouse returns the type's default — NULL for Nullable(T), otherwise
  // 0 / '' / 1970-01-01 / a tuple of defaults. Callers must pair max() with count() to detect "empty".
  let best: Value | undefined;
  ctx.aggs.push({
    feed: (row) => {
      const v = arg.ev(row);
      if (v === null) return; // aggregates skip NULLs (tuples holding NULLs are not NULL)
      if (best === undefined || sign * compareTotal(v, best) > 0) best = v;
    },
  });
  return { type: arg.type, ev: () => (best === undefined ? defaultOf(arg.type) : best), name: `${name}(${arg.name})`, hasCol: false, hasAgg: true };
}

export interface QueryResult {
  columns: { name: string; type: QType }[];
  rows: Value[][];
  rowsRead: number;
  rowsBeforeLimit: number;
  hasLimit: boolean;
}

export function executeQuery(state: EmulatorState, q: Query): QueryResult {
  let columns = new Map<string, QType>();
  let data: Row[] = [{}];
  if (q.from) {
    const { project, table } = q.from;
    const full = `${project || 'default'}.${table}`;
    const p = project ? state.projectByName(project) : undefined;
    if (!p) throw new QueryError(81, 'UNKNOWN_DATABASE', `Database ${project || 'default'} does not exist`, 404);
    const t = [...p.tables.values()].find((x) => x.name === table);
    if (!t) throw new QueryError(60, 'UNKNOWN_TABLE', `Table ${full} does not exist`, 404);
    columns = new Map(state.schema(t).map((s) => [s.column.name, s.type]));
    data = t.rows;
  }
  const aggs: Agg[] = [];
  const items: { c: C; name: string }[] = [];
  for (const s of q.select) {
    if (s.expr.t === 'star') {
      if (!q.from) throw new QueryError(62, 'SYNTAX_ERROR', 'SELECT * requires FROM');
      for (const [name, type] of columns) items.push({ c: { type, ev: (r) => r[name] ?? null, name, hasCol: true, hasAgg: false }, name });
      continue;
    }
    const c = compile(s.expr, { columns, aggs });
    items.push({ c, name: s.alias ?? c.name });
  }
  const where = q.where ? compile(q.where, { columns, aggs: null }) : null;
  if (where && !isNumeric(where.type) && where.type.k !== 'null') {
    throw new QueryError(59, 'ILLEGAL_TYPE_OF_COLUMN_FOR_FILTER', `Illegal type ${chName(where.type)} of column for filter`);
  }
  const rows = where ? data.filter((r) => truth(where.ev(r)) === true) : data;
  const isAgg = items.some((x) => x.c.hasAgg);
  const limit = q.limit === undefined ? Infinity : Number(q.limit);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  const columnsOut = items.map((x) => ({ name: x.name, type: x.c.type }));

  if (isAgg) {
    const bad = items.find((x) => x.c.hasCol);
    if (bad) throw new QueryError(215, 'NOT_AN_AGGREGATE', `Column ${bad.c.name} is not under aggregate function and not in GROUP BY`);
    for (const r of rows) for (const a of aggs) a.feed(r);
    const out = [items.map((x) => x.c.ev({}))].slice(offset, offset + limit);
    return { columns: columnsOut, rows: out, rowsRead: data.length, rowsBeforeLimit: 1, hasLimit: q.limit !== undefined };
  }
  let sorted = rows;
  if (q.orderBy.length) {
    const aliases = new Map(items.map((x) => [x.name, x.c]));
    const keys = q.orderBy.map((o) => ({
      ...o,
      c: o.expr.t === 'col' && !columns.has(o.expr.name) && aliases.has(o.expr.name) ? aliases.get(o.expr.name)! : compile(o.expr, { columns, aggs: null }),
    }));
    const decorated = rows.map((r, i) => ({ r, i, k: keys.map((k) => k.c.ev(r)) }));
    decorated.sort((a, b) => {
      for (let j = 0; j < keys.length; j++) {
        const x = a.k[j], y = b.k[j];
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === keys[j].nullsFirst ? -1 : 1; // NULLS LAST by default, for ASC and DESC
        }
        const c = compareTotal(x, y);
        if (c !== 0) return keys[j].desc ? -c : c;
      }
      return a.i - b.i; // stable
    });
    sorted = decorated.map((d) => d.r);
  }
  if (q.limitBy) {
    const by = q.limitBy.exprs.map((e) => compile(e, { columns, aggs: null }));
    const n = Number(q.limitBy.n);
    const seen = new Map<string, number>();
    sorted = sorted.filter((r) => {
      const k = JSON.stringify(by.map((c) => toInspectJson(c.ev(r) as never)));
      const count = seen.get(k) ?? 0;
      seen.set(k, count + 1);
      return count < n;
    });
  }
  const page = sorted.slice(offset, offset + limit);
  return { columns: columnsOut, rows: page.map((r) => items.map((x) => x.c.ev(r))), rowsRead: data.length, rowsBeforeLimit: sorted.length, hasLimit: q.limit !== undefined };
}

// ---- HTTP ----
const VERSION = '24.8.1.1-hydrolix-emulator';
function errorBody(e: QueryError, sql: string): Res {
  return json(e.httpStatus, { error: `Code: ${e.code}. DB::Exception: ${e.message}. (${e.codeName}) (version ${VERSION})`, query: sql });
}

function settingFromHeader(req: Req, key: string): string | undefined {
  // doc §6: X-HDX-query-settings: k=v,k2=v2
  for (const kv of (header(req, 'x-hdx-query-settings') ?? '').split(',')) {
    const [k, v] = kv.split('=').map((s) => s.trim());
    if (k === key && v) return v;
  }
  return undefined;
}

export function handleQuery(state: EmulatorState, req: Req): Res {
  if (req.method !== 'GET' && req.method !== 'POST') return json(405, { error: `Method ${req.method} not allowed`, query: '' });
  const param = req.query.get('query') ?? '';
  const body = req.method === 'POST' ? decodeUtf8(req.body) ?? '' : '';
  const sql = [param, body].filter((s) => s.trim()).join('\n'); // ClickHouse HTTP: ?query= then the body

  const auth = authenticate(state, req, true);
  if ('error' in auth) {
    // doc §6: Hydrolix answers bad/missing credentials on /query with 400 (not 401).
    const why = auth.error === 'missing' ? 'ContextError no authentication token provided' : 'Authentication failed: password is incorrect, or there is no user with such name';
    return errorBody(new QueryError(516, 'AUTHENTICATION_FAILED', why), sql);
  }
  if (!sql.trim()) return errorBody(new QueryError(62, 'SYNTAX_ERROR', 'Empty query'), sql);
  try {
    const q = parseQuery(sql);
    const format =
      q.format ?? q.settings.hdx_query_output_format ?? req.query.get('hdx_query_output_format') ?? req.query.get('default_format') ??
      settingFromHeader(req, 'hdx_query_output_format') ?? 'CSV'; // doc §6: the API defaults to CSV
    const result = executeQuery(state, q);
    const out = renderResult(result, format);
    return { status: 200, headers: { 'content-type': out.contentType, 'x-clickhouse-format': format }, body: out.body };
  } catch (e) {
    if (e instanceof QueryError) return errorBody(e, sql);
    throw e;
  }
}
