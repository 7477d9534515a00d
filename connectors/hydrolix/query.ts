import { PermanentError, type Column, type CursorWindow, type KeyRange, type KeyTuple, type KeyValue, type LandedRows, type TableSchema } from '../types';
import type { HydrolixAuth } from './auth';
import { hydrolixNames } from './type-map';

export interface Target {
  project: string;
  table: string;
}

/** ClickHouse identifier: backticks, with `\` and backtick escaped. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** ClickHouse string literal: single quotes, with `\` and `'` escaped. */
export function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const INTEGER_KINDS = new Set(['int', 'bit', 'year', 'boolean']);

/** A key value as a SQL literal: integers bare (validated, so nothing can be injected), everything else quoted. */
export function sqlLiteral(col: Column, v: KeyValue): string {
  if (INTEGER_KINDS.has(col.type.kind)) {
    const s = String(v);
    if (!/^-?\d+$/.test(s)) throw new PermanentError(`key column ${col.name}: ${JSON.stringify(v)} is not an integer`);
    return s;
  }
  return quoteString(String(v));
}

export function tableRef(t: Target): string {
  return `${quoteIdent(t.project)}.${quoteIdent(t.table)}`;
}

/** Key columns with their Hydrolix names. */
function keyColumns(schema: TableSchema): (Column & { hdx: string })[] {
  if (!schema.key.length) throw new PermanentError(`${schema.name} has no ordering key`);
  const { names } = hydrolixNames(schema);
  return schema.key.map((k) => {
    const i = schema.columns.findIndex((col) => col.name === k);
    if (i < 0) throw new PermanentError(`key column ${k} is not a column of ${schema.name}`);
    return { ...schema.columns[i], hdx: names[i] };
  });
}

/** Key kinds whose Hydrolix storage does not order like the source (stored as text, or truncated). */
export function keyOrderWarnings(schema: TableSchema): string[] {
  return keyColumns(schema)
    .filter((c) => ['decimal', 'binary', 'float', 'json'].includes(c.type.kind) || (c.type.kind === 'datetime' && c.type.fsp > 3))
    .map((c) => `key column ${c.name} (${c.sourceType}) does not keep its order/value in Hydrolix: resuming an interrupted chunk may be inexact`);
}

/** `SELECT count(), max(tuple(keys))` over a half-open key range; single-column keys also use tuple() for uniformity. */
/** Predicates restricting to an incremental window, so earlier runs' rows (versions) are not counted. */
function windowWhere(schema: TableSchema, window: CursorWindow | undefined): string[] {
  if (!window) return [];
  const { names } = hydrolixNames(schema);
  const i = schema.columns.findIndex((c) => c.name === window.column);
  if (i < 0) throw new PermanentError(`cursor column ${window.column} is not a column of ${schema.name}`);
  const col = quoteIdent(names[i]);
  const out: string[] = [];
  if (window.after !== null) out.push(`${col} > ${sqlLiteral(schema.columns[i], window.after)}`);
  if (window.upTo !== null) out.push(`${col} <= ${sqlLiteral(schema.columns[i], window.upTo)}`);
  return out;
}

export function buildLandedSql(target: Target, schema: TableSchema, range: KeyRange, window?: CursorWindow): string {
  const cols = keyColumns(schema);
  const tuple = `tuple(${cols.map((c) => quoteIdent(c.hdx)).join(',')})`;
  const lits = (k: KeyTuple) => {
    if (k.length !== cols.length) throw new PermanentError(`key tuple has ${k.length} values, the key has ${cols.length} columns`);
    return `tuple(${cols.map((c, i) => sqlLiteral(c, k[i])).join(',')})`;
  };
  const where: string[] = [];
  if (range.after) where.push(`${tuple} > ${lits(range.after)}`);
  if (range.upTo) where.push(`${tuple} <= ${lits(range.upTo)}`);
  where.push(...windowWhere(schema, window));
  return `SELECT count() AS n, max(${tuple}) AS last_key FROM ${tableRef(target)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} FORMAT JSON`;
}

export function buildCountSql(target: Target): string {
  return `SELECT count() AS n FROM ${tableRef(target)} FORMAT JSON`;
}

/** A value from ClickHouse JSON output back to the canonical KeyValue of its column. */
export function toKeyValue(col: Column, v: unknown): KeyValue {
  const t = col.type;
  const s = String(v);
  switch (t.kind) {
    case 'int':
      return t.bits === 64 ? s : Number(s);
    case 'year':
    case 'boolean':
      return Number(s);
    case 'bit':
      return s;
    case 'date':
      return s.slice(0, 10);
    case 'datetime': {
      // DateTime64(3) prints '.123'; canonical values carry exactly fsp digits.
      const [base, frac = ''] = s.split('.');
      return t.fsp > 0 ? `${base}.${frac.padEnd(t.fsp, '0').slice(0, t.fsp)}` : base;
    }
    default:
      return s;
  }
}

function parseJsonOutput(text: string): Record<string, unknown>[] {
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    if (Array.isArray(data)) return data as Record<string, unknown>[];
  } catch {
    /* fall through */
  }
  throw new Error(`unexpected Hydrolix query output: ${text.slice(0, 200)}`);
}

/** Parses `{"data":[{"n":"5","last_key":[...]}]}`. (`last` is avoided as an alias: it is a keyword, as in NULLS LAST.) max() over zero rows yields a type default, not NULL: n decides. */
export function parseLanded(schema: TableSchema, text: string): LandedRows {
  const row = parseJsonOutput(text)[0] ?? {};
  const rows = Number(row.n ?? 0);
  if (!Number.isSafeInteger(rows)) throw new Error(`unexpected Hydrolix count: ${String(row.n)}`);
  if (rows === 0) return { rows: 0, lastKey: null };
  const cols = keyColumns(schema);
  const last = row.last_key;
  if (!Array.isArray(last) || last.length !== cols.length) throw new Error(`unexpected Hydrolix max(tuple) output: ${JSON.stringify(last)}`);
  return { rows, lastKey: cols.map((c, i) => toKeyValue(c, last[i])) };
}

export async function runQuery(auth: HydrolixAuth, sql: string, what: string): Promise<Record<string, unknown>[]> {
  const res = await auth.expect({ method: 'POST', path: '/query', what, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: sql });
  return parseJsonOutput(res.text);
}

export async function queryLanded(auth: HydrolixAuth, target: Target, schema: TableSchema, range: KeyRange, window?: CursorWindow): Promise<LandedRows> {
  const sql = buildLandedSql(target, schema, range, window);
  const res = await auth.expect({ method: 'POST', path: '/query', what: `query ${target.project}.${target.table}`, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: sql });
  return parseLanded(schema, res.text);
}

/** Rows in a Hydrolix table, for verification after a migration. */
export async function countTableRows(auth: HydrolixAuth, target: Target): Promise<number> {
  const [row] = await runQuery(auth, buildCountSql(target), `count ${target.project}.${target.table}`);
  const n = Number(row?.n);
  if (!Number.isSafeInteger(n)) throw new Error(`unexpected Hydrolix count: ${String(row?.n)}`);
  return n;
}
