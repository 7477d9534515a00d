import { PermanentError, type Column, type CursorWindow, type KeyRange, type KeyTuple, type KeyValue, type LandedRows, type Tally, type TableSchema } from '../types';
import { singleIntegerKey } from '../plan';
import type { HydrolixAuth } from './auth';
import { RANGES, hydrolixNames } from './type-map';

export interface Target {
  project: string;
  table: string;
}

/** A table to query: its primary timestamp column (Hydrolix name) bounds every query. */
export interface QueryTarget extends Target {
  primary: string;
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

const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** The whole `datetime` range (the primary's type, type-map.ts), as Hydrolix's documented literal form. */
const PRIMARY_MIN = utcText(RANGES.datetime.min);
const PRIMARY_MAX = utcText(RANGES.datetime.max);

/**
 * A predicate on the primary timestamp covering every storable value. An org, project or table may
 * set hdx_query_timerange_required (doc §6): a query without a primary-timestamp range then fails.
 */
export function primaryRange(primary: string): string {
  const p = quoteIdent(primary);
  return `${p} >= ${quoteString(PRIMARY_MIN)} AND ${p} <= ${quoteString(PRIMARY_MAX)}`;
}

/**
 * Every query ends with these: hdx_query_max_timerange_sec (a circuit breaker an admin may set, doc
 * §6) would refuse the full-range predicate above; settings in the SQL take precedence over org,
 * project and table defaults. 0 is its documented "no limit" default.
 */
export const QUERY_TAIL = 'SETTINGS hdx_query_max_timerange_sec = 0 FORMAT JSON';

function selectSql(target: QueryTarget, select: string, where: string[]): string {
  return `SELECT ${select} FROM ${tableRef(target)} WHERE ${[...where, primaryRange(target.primary)].join(' AND ')} ${QUERY_TAIL}`;
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
  const cols = keyColumns(schema);
  const lossy = cols
    .filter((c) => ['decimal', 'binary', 'float', 'json'].includes(c.type.kind) || (c.type.kind === 'datetime' && c.type.fsp > 3))
    .map((c) => `key column ${c.name} (${c.sourceType}) does not keep its order/value in Hydrolix: resuming an interrupted chunk may be inexact`);
  // Hydrolix compares strings byte by byte; MySQL orders them by collation (case-insensitive by
  // default), ENUM/SET by member index and TIME by value ('-1:00:00', '100:00:00').
  const textual = cols
    .filter((c) => ['string', 'enum', 'set', 'time'].includes(c.type.kind))
    .map((c) => `key column ${c.name} (${c.sourceType}) is compared byte by byte in Hydrolix; unless the source orders it the same way (a _bin collation), resuming an interrupted chunk may be inexact`);
  return [...lossy, ...textual];
}

/** Predicates restricting to an incremental window, so earlier runs' rows (versions) are not counted. */
function windowWhere(schema: TableSchema, window: CursorWindow | undefined): string[] {
  if (!window) return [];
  const { names } = hydrolixNames(schema);
  const i = schema.columns.findIndex((c) => c.name === window.column);
  if (i < 0) throw new PermanentError(`cursor column ${window.column} is not a column of ${schema.name}`);
  const col = quoteIdent(names[i]);
  const out: string[] = [];
  if (window.after !== null) out.push(`${col} > ${sqlLiteral(schema.columns[i], window.after)}`);
  if (window.from != null) out.push(`${col} >= ${sqlLiteral(schema.columns[i], window.from)}`);
  if (window.upTo !== null) out.push(`${col} <= ${sqlLiteral(schema.columns[i], window.upTo)}`);
  return out;
}

function keyTuple(schema: TableSchema) {
  const cols = keyColumns(schema);
  const tuple = `tuple(${cols.map((c) => quoteIdent(c.hdx)).join(',')})`;
  const lits = (k: KeyTuple) => {
    if (k.length !== cols.length) throw new PermanentError(`key tuple has ${k.length} values, the key has ${cols.length} columns`);
    return `tuple(${cols.map((c, i) => sqlLiteral(c, k[i])).join(',')})`;
  };
  return { cols, tuple, lits };
}

/**
 * Output names of our aggregates. ClickHouse resolves an alias before a column of the same name,
 * even inside WHERE and other aggregates, so a plain alias (`n`) would capture a table column `n`.
 * A dot never occurs in a Hydrolix column name we create (type-map.ts hydrolixNames).
 */
const OUT = { rows: 'es.rows', lastKey: 'es.last_key', distinctKeys: 'es.distinct_keys', keySum: 'es.key_sum' } as const;
const ALIAS = {
  rows: quoteIdent(OUT.rows),
  lastKey: quoteIdent(OUT.lastKey),
  distinctKeys: quoteIdent(OUT.distinctKeys),
  keySum: quoteIdent(OUT.keySum),
};

/** `SELECT count(), max(tuple(keys))` over a half-open key range; single-column keys also use tuple() for uniformity. */
export function buildLandedSql(target: QueryTarget, schema: TableSchema, range: KeyRange, window?: CursorWindow): string {
  const { tuple, lits } = keyTuple(schema);
  const where: string[] = [];
  if (range.after) where.push(`${tuple} > ${lits(range.after)}`);
  if (range.upTo) where.push(`${tuple} <= ${lits(range.upTo)}`);
  where.push(...windowWhere(schema, window));
  return selectSql(target, `count() AS ${ALIAS.rows}, max(${tuple}) AS ${ALIAS.lastKey}`, where);
}

/** The same over a closed key range [first, last]: one ingest request's rows (see ingest.ts settle). */
export function buildBatchLandedSql(target: QueryTarget, schema: TableSchema, first: KeyTuple, last: KeyTuple, window?: CursorWindow): string {
  const { tuple, lits } = keyTuple(schema);
  return selectSql(target, `count() AS ${ALIAS.rows}, max(${tuple}) AS ${ALIAS.lastKey}`, [`${tuple} >= ${lits(first)}`, `${tuple} <= ${lits(last)}`, ...windowWhere(schema, window)]);
}

export function buildCountSql(target: QueryTarget): string {
  return selectSql(target, `count() AS ${ALIAS.rows}`, []);
}

/**
 * Rows, distinct keys and, for a single integer key, the exact sum of the distinct keys (Int128:
 * no wrap-around, unlike a UInt64 sum): duplicate copies (append-only, doc §8) do not hide a missing row.
 */
export function buildTallySql(target: QueryTarget, schema: TableSchema): string {
  const { cols, tuple } = keyTuple(schema);
  const int = singleIntegerKey(cols);
  const sum = int ? `, sum(DISTINCT toInt128(${quoteIdent(cols[0].hdx)})) AS ${ALIAS.keySum}` : '';
  return selectSql(target, `count() AS ${ALIAS.rows}, uniqExact(${tuple}) AS ${ALIAS.distinctKeys}${sum}`, []);
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

function countOf(v: unknown, what: string): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`unexpected Hydrolix ${what}: ${String(v)}`);
  return n;
}

/**
 * A tuple value from JSON output: an array, or an object when ClickHouse prints named tuples as
 * objects (24.x, output_format_json_named_tuples_as_objects): `{"id":5}`, or `{"1":5}` unnamed.
 */
function tupleItems(v: unknown, names: string[]): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (names.every((n) => Object.prototype.hasOwnProperty.call(o, n))) return names.map((n) => o[n]);
  const keys = Object.keys(o);
  if (keys.every((k, i) => k === String(i + 1))) return keys.map((k) => o[k]);
  return keys.length === names.length ? keys.map((k) => o[k]) : null;
}

/** Parses `{"data":[{"es.rows":"5","es.last_key":[...]}]}`. max() over zero rows yields a type default, not NULL: the count decides. */
export function parseLanded(schema: TableSchema, text: string): LandedRows {
  const row = parseJsonOutput(text)[0] ?? {};
  const rows = countOf(row[OUT.rows], 'count');
  if (rows === 0) return { rows: 0, lastKey: null };
  const cols = keyColumns(schema);
  const last = tupleItems(row[OUT.lastKey], cols.map((c) => c.hdx));
  if (!last || last.length !== cols.length) throw new Error(`unexpected Hydrolix max(tuple) output: ${JSON.stringify(row[OUT.lastKey])}`);
  return { rows, lastKey: cols.map((c, i) => toKeyValue(c, last[i])) };
}

export function parseTally(text: string): Tally {
  const row = parseJsonOutput(text)[0] ?? {};
  const sum = row[OUT.keySum];
  let keySum: string | null = null;
  if (sum !== undefined && sum !== null) {
    if (!/^-?\d+$/.test(String(sum))) throw new Error(`unexpected Hydrolix key sum: ${String(sum)}`);
    keySum = BigInt(String(sum)).toString();
  }
  return { rows: countOf(row[OUT.rows], 'count'), distinctKeys: countOf(row[OUT.distinctKeys], 'distinct key count'), keySum };
}

export async function runQuery(auth: HydrolixAuth, sql: string, what: string): Promise<Record<string, unknown>[]> {
  const res = await auth.expect({ method: 'POST', path: '/query', what, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: sql });
  return parseJsonOutput(res.text);
}

async function queryText(auth: HydrolixAuth, sql: string, what: string): Promise<string> {
  return (await auth.expect({ method: 'POST', path: '/query', what, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: sql })).text;
}

export async function queryLanded(auth: HydrolixAuth, target: QueryTarget, schema: TableSchema, range: KeyRange, window?: CursorWindow): Promise<LandedRows> {
  return parseLanded(schema, await queryText(auth, buildLandedSql(target, schema, range, window), `query ${target.project}.${target.table}`));
}

export async function queryBatchLanded(
  auth: HydrolixAuth,
  target: QueryTarget,
  schema: TableSchema,
  first: KeyTuple,
  last: KeyTuple,
  window?: CursorWindow,
): Promise<LandedRows> {
  return parseLanded(schema, await queryText(auth, buildBatchLandedSql(target, schema, first, last, window), `query ${target.project}.${target.table}`));
}

/** Rows in a Hydrolix table. */
export async function countTableRows(auth: HydrolixAuth, target: QueryTarget): Promise<number> {
  const [row] = await runQuery(auth, buildCountSql(target), `count ${target.project}.${target.table}`);
  return countOf(row?.[OUT.rows], 'count');
}

/** Rows, distinct keys and the distinct-key sum, for verification after a migration. */
export async function queryTally(auth: HydrolixAuth, target: QueryTarget, schema: TableSchema): Promise<Tally> {
  return parseTally(await queryText(auth, buildTallySql(target, schema), `count ${target.project}.${target.table}`));
}
