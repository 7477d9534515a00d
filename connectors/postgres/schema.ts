import type pg from 'pg';
import { PermanentError, type Column, type SourceSpec, type TableSchema } from '../types';
import { isPageable, qualify, quoteIdent, sourceRef } from './sql';
import { sanitizeError } from './pool';
import { portableTypeFor, type PgColumnInfo } from './type-map';

export type Db = Pick<pg.Pool, 'query'>;
type Rec = Record<string, unknown>;
const rows = async (db: Db, text: string, values: unknown[] = []) => (await db.query(text, values)).rows as Rec[];

export interface Relation {
  oid: string;
  namespace: string;
  name: string;
}

const REL = `SELECT c.oid::text AS oid, n.nspname AS ns, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`;

/** A table by schema and name (destinations), or null. */
export async function findRelation(db: Db, namespace: string, table: string): Promise<Relation | null> {
  const r = await rows(db, `${REL} WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`, [namespace, table]);
  return r[0] ? { oid: String(r[0].oid), namespace: String(r[0].ns), name: String(r[0].name) } : null;
}

/**
 * A source table name: exactly as spelled (case kept) on the search_path, else `schema.table`
 * split at the first dot. Views, materialized views and foreign tables are readable too.
 */
export async function resolveSourceTable(db: Db, table: string): Promise<Relation> {
  const kinds = `c.relkind IN ('r', 'p', 'v', 'm', 'f')`;
  let r = await rows(db, `${REL} WHERE c.relname = $1 AND ${kinds} AND pg_table_is_visible(c.oid)`, [table]);
  const dot = table.indexOf('.');
  if (!r[0] && dot > 0) r = await rows(db, `${REL} WHERE n.nspname = $1 AND c.relname = $2 AND ${kinds}`, [table.slice(0, dot), table.slice(dot + 1)]);
  if (!r[0]) throw new PermanentError(`source table "${table}" does not exist (or is not on the search_path; write schema.table)`);
  return { oid: String(r[0].oid), namespace: String(r[0].ns), name: String(r[0].name) };
}

export async function listTables(db: Db): Promise<string[]> {
  const r = await rows(
    db,
    `${REL} WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY pg_table_is_visible(c.oid) DESC, n.nspname, c.relname`,
  );
  // Tables on the search_path by bare name; others qualified (resolveSourceTable reads both).
  const visible = new Set((await rows(db, `SELECT unnest(current_schemas(false)) AS s`)).map((x) => String(x.s)));
  return r.map((x) => (visible.has(String(x.ns)) ? String(x.name) : `${String(x.ns)}.${String(x.name)}`));
}

interface RawColumn extends PgColumnInfo {
  notNull: boolean;
  hasDefault: boolean;
}

/** Columns of a relation, domains resolved to their base type. */
export async function relationColumns(db: Db, oid: string): Promise<RawColumn[]> {
  const r = await rows(
    db,
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS formatted, a.attnotnull AS notnull, a.atthasdef AS hasdef,
            b.typname, b.typcategory AS category, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  );
  return r.map((c) => ({
    name: String(c.name),
    formatted: String(c.formatted),
    typname: String(c.typname),
    category: String(c.category),
    typmod: Number(c.typmod),
    notNull: c.notnull === 't' || c.notnull === true,
    hasDefault: c.hasdef === 't' || c.hasdef === true,
  }));
}

export interface IndexInfo {
  name: string;
  primary: boolean;
  columns: string[];
}

/** Unique, non-partial, plain-column indexes (PRIMARY KEY first). */
export async function uniqueIndexes(db: Db, oid: string): Promise<IndexInfo[]> {
  const r = await rows(
    db,
    `SELECT ic.relname AS name, i.indisprimary AS pk,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS cols
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = $1::oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid
      ORDER BY i.indisprimary DESC, i.indnatts, ic.relname`,
    [oid],
  );
  return r.map((x) => ({ name: String(x.name), primary: x.pk === 't' || x.pk === true, columns: parseArray(x.cols) }));
}

/** text[] arrives as its literal (every type parser returns text): `{a,"b c"}`. */
export function parseArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v == null) return [];
  const s = String(v);
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g;
  for (let m = re.exec(s.slice(1, -1)); m; m = re.exec(s.slice(1, -1))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

const toColumn = (c: PgColumnInfo, nullable: boolean): Column => ({ name: c.name, type: portableTypeFor(c), nullable, sourceType: c.formatted });

const noKey = (label: string) =>
  new PermanentError(`"${label}" has no primary key or non-null unique key; set source_config.order_by to a unique column list`);

/** The PRIMARY KEY, else the smallest unique index whose columns are all NOT NULL and pageable. */
function chooseKey(columns: Column[], indexes: IndexInfo[]): Pick<TableSchema, 'key' | 'keySource'> | null {
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const ix of indexes) {
    if (ix.columns.every((n) => byName.get(n) && !byName.get(n)!.nullable && isPageable(byName.get(n)!))) {
      return { key: ix.columns, keySource: ix.primary ? 'primary' : 'unique' };
    }
  }
  return null;
}

/** Validates a user order_by: columns exist, are pageable, and hold no NULLs (NULL keys would drop rows). */
async function userKey(db: Db, from: string, spec: SourceSpec, columns: Column[], label: string): Promise<string[]> {
  const orderBy = spec.orderBy!;
  if (orderBy.length === 0) throw new PermanentError('source_config.order_by must name at least one column');
  for (const name of orderBy) {
    const col = columns.find((c) => c.name === name);
    if (!col) throw new PermanentError(`source_config.order_by names column "${name}", which does not exist in "${label}"`);
    if (!isPageable(col)) throw new PermanentError(`source_config.order_by column "${name}" has type ${col.sourceType}, which cannot order keyset pages`);
  }
  const nullable = orderBy.filter((n) => columns.find((c) => c.name === n)!.nullable);
  if (nullable.length > 0) {
    const hit = await rows(db, `SELECT 1 FROM ${from} WHERE ${nullable.map((n) => `${quoteIdent(n)} IS NULL`).join(' OR ')} LIMIT 1`);
    if (hit.length > 0) throw new PermanentError(`source_config.order_by columns must be non-null, but "${label}" has NULLs in ${nullable.join(', ')}`);
  }
  return [...orderBy];
}

/** Column types of a query's result, from a LIMIT 0 probe. Server errors about the SQL are permanent. */
async function probeQuery(db: Db, from: string): Promise<PgColumnInfo[]> {
  let fields: pg.FieldDef[];
  try {
    fields = (await db.query(`SELECT * FROM ${from} LIMIT 0`)).fields;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof PermanentError || !code || /^(08|57|53)/.test(code)) throw e;
    throw new PermanentError(sanitizeError(e, '', 'source_config.query failed').message, 'BAD_QUERY');
  }
  if (fields.length === 0) return [];
  const r = await rows(
    db,
    `SELECT format_type(u.o, NULLIF(u.m, -1)) AS formatted, b.typname, b.typcategory AS category,
            CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE u.m END AS typmod
       FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(o, m, i)
       JOIN pg_type t ON t.oid = u.o JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      ORDER BY u.i`,
    [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  );
  return fields.map((f, i) => ({
    name: f.name,
    formatted: String(r[i].formatted),
    typname: String(r[i].typname),
    category: String(r[i].category),
    typmod: Number(r[i].typmod),
  }));
}

export async function describeSource(db: Db, spec: SourceSpec): Promise<{ schema: TableSchema; from: string }> {
  const rel = spec.table ? await resolveSourceTable(db, spec.table) : null;
  const relFrom = rel ? qualify(rel.namespace, rel.name) : undefined;
  const relCols = rel ? await relationColumns(db, rel.oid) : [];
  const tableColumns = relCols.map((c) => toColumn(c, !c.notNull));
  if (spec.query === undefined) {
    if (!rel) throw new PermanentError('source_config needs a table or a query');
    const from = relFrom!;
    const name = spec.table!;
    if (spec.orderBy) return { from, schema: { name, columns: tableColumns, key: await userKey(db, from, spec, tableColumns, name), keySource: 'user' } };
    const key = chooseKey(tableColumns, await uniqueIndexes(db, rel.oid));
    if (!key) throw noKey(name);
    return { from, schema: { name, columns: tableColumns, ...key } };
  }

  const from = sourceRef(spec);
  const seen = new Set<string>();
  const columns = (await probeQuery(db, from)).map((f) => {
    if (seen.has(f.name)) throw new PermanentError(`source_config.query returns column "${f.name}" twice; alias it`);
    seen.add(f.name);
    // Nullability is unknowable for a query column; borrow it from a same-named, same-typed table column.
    const same = tableColumns.find((c) => c.name === f.name && c.sourceType === f.formatted);
    return toColumn(f, same ? same.nullable : true);
  });
  const label = spec.table ? `${spec.table} (query)` : 'query';
  if (spec.orderBy) return { from, schema: { name: label, columns, key: await userKey(db, from, spec, columns, label), keySource: 'user' } };
  if (rel) {
    const key = chooseKey(tableColumns, await uniqueIndexes(db, rel.oid));
    if (key && key.key.every((k) => columns.some((c) => c.name === k && isPageable(c)))) return { from, schema: { name: label, columns, ...key } };
  }
  throw noKey(spec.table ?? 'query');
}

export type { RawColumn };
