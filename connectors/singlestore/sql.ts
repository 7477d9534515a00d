import { format } from 'mysql2';
import { PermanentError, type Column, type KeyTuple, type KeyValue, type SourceSpec, type TableSchema } from '../types';
import type { Flavor } from './flavor';
import { SPATIAL_TYPES } from './type-map';
import { quoteIdent, validateQuery } from './dialect';

export { maskSql, quoteIdent, validateQuery } from './dialect';

/** The row set as a FROM item. The newline before `)` keeps a trailing `-- comment` from eating it. */
export function sourceRef(spec: SourceSpec): string {
  if (spec.query !== undefined) return `(\n${validateQuery(spec.query)}\n) AS _es_q`;
  if (!spec.table) throw new PermanentError('source_config needs a table or a query');
  return quoteIdent(spec.table);
}

/**
 * The row set narrowed to an incremental window (`after` < cursor, `from` <= cursor <= `upTo`), as a derived
 * table. Values are inlined as escaped literals (mysql2 `format`), typed like key values.
 */
export function windowedRef(spec: SourceSpec, schema: TableSchema, flavor: Flavor): string {
  const base = sourceRef(spec);
  const w = spec.window;
  if (!w) return base;
  const col = schema.columns.find((c) => c.name === w.column);
  if (!col) throw new PermanentError(`options.cursor_column \`${w.column}\` is not a column of the source rows`);
  const conds: string[] = [];
  if (w.after !== null) conds.push(`${quoteIdent(col.name)} > ${format('?', [keyParam(col, w.after, flavor) as never])}`);
  if (w.from != null) conds.push(`${quoteIdent(col.name)} >= ${format('?', [keyParam(col, w.from, flavor) as never])}`);
  if (w.upTo !== null) conds.push(`${quoteIdent(col.name)} <= ${format('?', [keyParam(col, w.upTo, flavor) as never])}`);
  if (conds.length === 0) return base;
  return `(SELECT * FROM ${base} WHERE ${conds.join(' AND ')}) AS _es_w`;
}

const baseType = (sourceType: string) => /^[a-z ]+/i.exec(sourceType)?.[0].trim().toLowerCase() ?? '';

/**
 * What to SELECT for a column so the driver hands back an exact, canonicalisable value.
 * Never aliased: ORDER BY/WHERE must keep referring to the column itself.
 */
export function selectExpr(col: Column, flavor: Flavor): string {
  const id = quoteIdent(col.name);
  const t = col.type;
  if (t.kind === 'float') {
    // FLOAT prints ~6 significant digits in the text protocol (S2 and MariaDB alike): widen to
    // DOUBLE, which holds the float32 value exactly (Drizzle does the same on S2).
    if (flavor === 'singlestore') return t.bits === 32 ? `(${id} :> DOUBLE)` : id;
    // MariaDB prints DOUBLE result columns with ~15 digits (91.10009099999999 → 91.100091), but
    // CAST(… AS CHAR) gives the shortest round-trip text.
    return t.bits === 32 ? `CAST(CAST(${id} AS DOUBLE) AS CHAR)` : `CAST(${id} AS CHAR)`;
  }
  // S2 ignores SET time_zone, so TIMESTAMP text would be in the server's zone: take epoch seconds instead.
  if (t.kind === 'datetime' && t.utc && flavor === 'singlestore') return `UNIX_TIMESTAMP(${id})`;
  // YEAR 0 prints as '0000'; as a number it is the canonical 0 (the packed path copies the text).
  if (t.kind === 'year') return `(${id} + 0)`;
  if (flavor !== 'singlestore' && SPATIAL_TYPES.has(baseType(col.sourceType))) return `ST_AsText(${id})`;
  return id;
}

/** A value spliced verbatim by mysql2's escaper; only ever built from validated digits. */
export function rawLiteral(sql: string): { toSqlString(): string } {
  return { toSqlString: () => sql };
}

/** Epoch seconds ('1577836800.5') of a canonical UTC datetime string. */
export function utcToEpoch(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(s);
  if (!m) throw new PermanentError(`bad TIMESTAMP key value ${JSON.stringify(s)}`);
  const secs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  return m[7] ? `${secs}.${m[7]}` : String(secs);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * A canonical key value → a query parameter that compares exactly. 64-bit ints, decimals and
 * BITs go in as numeric literals: a quoted string would be compared as a double (lossy past 2^53).
 */
export function keyParam(col: Column, v: KeyValue, flavor: Flavor): unknown {
  const t = col.type;
  switch (t.kind) {
    case 'int': case 'decimal': case 'bit': case 'boolean': case 'year': {
      const s = String(v);
      if (!NUMERIC.test(s)) throw new PermanentError(`key value ${JSON.stringify(v)} for \`${col.name}\` is not numeric`);
      return rawLiteral(s);
    }
    case 'datetime':
      if (t.utc && flavor === 'singlestore') return rawLiteral(`FROM_UNIXTIME(${utcToEpoch(String(v))})`);
      return String(v);
    case 'binary':
      return Buffer.from(String(v), 'hex');
    default:
      return v;
  }
}

/** Key kinds that compare the same way in ORDER BY and in `>`/`=` with a parameter. */
const PAGEABLE = new Set(['int', 'boolean', 'decimal', 'date', 'datetime', 'time', 'year', 'string', 'binary', 'bit']);
export function isPageable(col: Column): boolean {
  return PAGEABLE.has(col.type.kind);
}

export interface SqlPart {
  sql: string;
  params: unknown[];
}

/**
 * Keyset predicate for key > after (strict) or key <= upTo, expanded as
 * `(a > ?) OR (a = ? AND b > ?)` because MariaDB range-optimises that, not row constructors.
 */
export function keysetPredicate(keyCols: Column[], tuple: KeyTuple, dir: 'after' | 'upTo', flavor: Flavor): SqlPart {
  if (tuple.length !== keyCols.length) throw new PermanentError(`key tuple has ${tuple.length} values, key has ${keyCols.length} columns`);
  const ids = keyCols.map((c) => quoteIdent(c.name));
  const vals = keyCols.map((c, i) => keyParam(c, tuple[i], flavor));
  const disjuncts: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < keyCols.length; i++) {
    const last = i === keyCols.length - 1;
    const op = dir === 'after' ? '>' : last ? '<=' : '<';
    const terms: string[] = [];
    for (let j = 0; j < i; j++) { terms.push(`${ids[j]} = ?`); params.push(vals[j]); }
    terms.push(`${ids[i]} ${op} ?`);
    params.push(vals[i]);
    disjuncts.push(terms.length === 1 ? terms[0] : `(${terms.join(' AND ')})`);
  }
  return { sql: disjuncts.length === 1 ? disjuncts[0] : `(${disjuncts.join(' OR ')})`, params };
}

export function rangeWhere(keyCols: Column[], after: KeyTuple | null, upTo: KeyTuple | null, flavor: Flavor): SqlPart {
  const parts: SqlPart[] = [];
  if (after) parts.push(keysetPredicate(keyCols, after, 'after', flavor));
  if (upTo) parts.push(keysetPredicate(keyCols, upTo, 'upTo', flavor));
  if (parts.length === 0) return { sql: '', params: [] };
  return { sql: ' WHERE ' + parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

export function orderByKey(keyCols: Column[]): string {
  return ' ORDER BY ' + keyCols.map((c) => quoteIdent(c.name)).join(', ');
}
