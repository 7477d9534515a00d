import { PermanentError, type TablePreview, type TableSchema } from '../types';
import { createdByUs, defersKey, OWNER_MARKER, pendingKeyMarker } from './deferred-key';
import { findRelation, relationColumns, type Db } from './schema';
import { qualify, quoteIdent, quoteLiteral } from './sql';
import { pgTypeFor, typeCompatible, type DestinationTypeOptions } from './type-map';

export interface WantedColumn {
  name: string;
  sql: string;
  nullable: boolean;
}

/**
 * Destination columns for a source schema, plus the fidelity warnings of the mapping. Key columns
 * are NOT NULL whatever the source reports (a query's columns all report nullable): a row with a
 * NULL key cannot be copied at all, since reads page on the key and stop on a NULL one.
 */
export function wantedColumns(schema: TableSchema, opts: DestinationTypeOptions): { columns: WantedColumn[]; warnings: string[] } {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const keys = new Set(schema.key);
  const columns = schema.columns.map((c) => {
    if (seen.has(c.name)) throw new PermanentError(`source has two columns named ${c.name}`);
    seen.add(c.name);
    const t = pgTypeFor(c, opts);
    warnings.push(...t.warnings);
    return { name: c.name, sql: t.sql, nullable: c.nullable && !keys.has(c.name) };
  });
  if (schema.key.length === 0) throw new PermanentError(`${schema.name} has no ordering key`);
  return { columns, warnings };
}

const STRING_SQL = /^(character varying|text)/;

/**
 * CREATE TABLE IF NOT EXISTS with the key as PRIMARY KEY. String key columns use COLLATE "C" so
 * the index order (and landedRows' ranges) is code-point order, like MySQL's `_bin` collations.
 * `primaryKey: false` (the key is built after the load, see deferred-key.ts): no PRIMARY KEY and a
 * plain CREATE TABLE, so the caller knows it created the table it is about to mark.
 */
export function createTableSql(
  namespace: string,
  table: string,
  columns: WantedColumn[],
  key: string[],
  opts: { primaryKey?: boolean; ifNotExists?: boolean } = {},
): string {
  const primaryKey = opts.primaryKey ?? true;
  const ifNotExists = opts.ifNotExists ?? primaryKey;
  const keys = new Set(key);
  const defs = columns.map((c) => {
    const collate = keys.has(c.name) && STRING_SQL.test(c.sql) ? ' COLLATE "C"' : '';
    return `  ${quoteIdent(c.name)} ${c.sql}${collate}${c.nullable && !keys.has(c.name) ? '' : ' NOT NULL'}`;
  });
  if (primaryKey) defs.push(`  PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE${ifNotExists ? ' IF NOT EXISTS' : ''} ${qualify(namespace, table)} (\n${defs.join(',\n')}\n)`;
}

export interface ExistingColumn {
  name: string;
  /** format_type() spelling. */
  formatted: string;
  notNull: boolean;
  hasDefault: boolean;
}

/** Why an existing table cannot take the rows (empty = compatible). Extra columns are fine if nullable or defaulted. */
export function diffTable(wanted: WantedColumn[], existing: ExistingColumn[]): string[] {
  const byName = new Map(existing.map((c) => [c.name, c]));
  const diffs: string[] = [];
  for (const w of wanted) {
    const e = byName.get(w.name);
    if (!e) diffs.push(`column ${w.name} (${w.sql}) is missing`);
    else if (!typeCompatible(w.sql, e.formatted)) diffs.push(`column ${w.name} is ${e.formatted}, expected ${w.sql}`);
    else if (e.notNull && w.nullable) diffs.push(`column ${w.name} is NOT NULL but the source allows NULL`);
  }
  const names = new Set(wanted.map((w) => w.name));
  for (const e of existing) {
    if (!names.has(e.name) && e.notNull && !e.hasDefault) diffs.push(`extra column ${e.name} is NOT NULL without a default`);
  }
  return diffs;
}

/**
 * What createTable would do for these columns, read-only: the statements for a missing table (the
 * same createTableSql, comment and deferred key build), or whether an existing one fits (diffTable).
 * `staging`: a replace run's staging table, created fresh whatever exists.
 */
export async function previewTable(
  db: Db,
  namespace: string,
  table: string,
  schema: TableSchema,
  opts: DestinationTypeOptions & { writeMode: 'append' | 'upsert' | 'replace'; overwriteExisting: boolean; staging?: string },
): Promise<TablePreview> {
  const { columns, warnings } = wantedColumns(schema, opts);
  const label = `${namespace}.${table}`;
  const statements: string[] = [];
  const mismatches: string[] = [];
  const ns = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [namespace]);
  if (ns.rowCount === 0) statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(namespace)}`);
  const rel = ns.rowCount === 0 ? null : await findRelation(db, namespace, table);
  const create = (name: string) => {
    const deferred = defersKey(opts.writeMode === 'replace' ? 'replace' : opts.writeMode);
    statements.push(createTableSql(namespace, name, columns, schema.key, { primaryKey: !deferred, ifNotExists: false }));
    statements.push(`COMMENT ON TABLE ${qualify(namespace, name)} IS ${quoteLiteral(deferred ? pendingKeyMarker(schema.key) : OWNER_MARKER)}`);
    if (deferred) statements.push(`-- after the copy: ALTER TABLE ${qualify(namespace, name)} ADD PRIMARY KEY (${schema.key.map(quoteIdent).join(', ')})`);
  };
  const notOurs = async () =>
    rel && opts.writeMode !== 'append' && !opts.overwriteExisting && !(await createdByUs(db, rel.oid))
      ? `existing table ${label} was not created by Epic Shelter: write_mode ${opts.writeMode} needs destination_config.overwrite_existing true`
      : null;
  if (opts.staging) {
    const refused = await notOurs();
    if (refused) mismatches.push(refused);
    create(opts.staging);
    statements.push(`-- at the finish: DROP TABLE ${qualify(namespace, table)} (if present); ALTER TABLE ${qualify(namespace, opts.staging)} RENAME TO ${quoteIdent(table)}`);
    return { target: label, exists: rel !== null, statements, mismatches, warnings };
  }
  if (!rel) {
    create(table);
    return { target: label, exists: false, statements, mismatches, warnings };
  }
  mismatches.push(...diffTable(columns, await relationColumns(db, rel.oid)));
  const refused = await notOurs();
  if (refused) mismatches.push(refused);
  if (opts.writeMode === 'replace' && mismatches.length === 0) statements.push(`TRUNCATE ${qualify(namespace, table)}`);
  return { target: label, exists: true, statements, mismatches, warnings };
}
