import { PermanentError, type Column, type SourceSpec, type TableSchema } from '../types';
import type { Flavor, Queryable } from './flavor';
import { fieldNullable, mapFieldType, mapNativeType, type FieldLike } from './type-map';
import { isPageable, quoteIdent, sourceRef } from './sql';
import { sanitizeError } from './pool';

type Rec = Record<string, unknown>;
const rows = async (db: Queryable, sql: string, params: unknown[] = []) => (await db.query(sql, params))[0] as Rec[];
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function listTables(db: Queryable, database: string): Promise<string[]> {
  const r = await rows(
    db,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [database],
  );
  return r.map((x) => String(x.name));
}

/** MariaDB spells JSON as LONGTEXT + CHECK (json_valid(`col`)); the CHECK is the only trace. */
export function jsonColumnsFromChecks(checks: string[]): Set<string> {
  const out = new Set<string>();
  for (const c of checks) {
    const m = /^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$/i.exec(c);
    if (m) out.add(m[1].replace(/``/g, '`'));
  }
  return out;
}

export async function tableColumns(db: Queryable, database: string, table: string, flavor: Flavor): Promise<Column[]> {
  const r = await rows(
    db,
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable,
            CHARACTER_MAXIMUM_LENGTH AS charMaxLength, NUMERIC_PRECISION AS \`precision\`, NUMERIC_SCALE AS scale,
            DATETIME_PRECISION AS fsp, EXTRA AS extra, CHARACTER_SET_NAME AS charset
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  if (r.length === 0) throw new PermanentError(`source table \`${table}\` does not exist in database \`${database}\``);
  let json = new Set<string>();
  if (flavor === 'mariadb') {
    const checks = await rows(
      db,
      'SELECT CHECK_CLAUSE AS c FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?',
      [database, table],
    );
    json = jsonColumnsFromChecks(checks.map((c) => String(c.c)));
  }
  return r.map((c) => {
    const name = String(c.name);
    const columnType = String(c.columnType);
    return {
      name,
      sourceType: columnType,
      nullable: String(c.nullable).toUpperCase() === 'YES',
      ...(/auto_increment/i.test(String(c.extra ?? '')) ? { autoIncrement: true } : {}),
      ...(c.charset ? { charset: String(c.charset).toLowerCase() } : {}),
      type: mapNativeType({
        name,
        dataType: String(c.dataType),
        columnType,
        charMaxLength: numOrNull(c.charMaxLength),
        precision: numOrNull(c.precision),
        scale: numOrNull(c.scale),
        fsp: numOrNull(c.fsp),
        isJson: json.has(name),
      }),
    };
  });
}

export interface IndexStat {
  indexName: string;
  column: string;
  seq: number;
  nonUnique: boolean;
  indexType?: string;
}

/** Names of keys S2 declares but does not enforce (columnstore metadata-only keys), from SHOW CREATE TABLE. */
export function unenforcedKeys(ddl: string): Set<string> {
  const out = new Set<string>();
  for (const line of ddl.split(/\n|,\s*(?=(?:UNIQUE|PRIMARY|KEY|SHARD|SORT)\b)/i)) {
    if (!/\bUNENFORCED\b/i.test(line)) continue;
    if (/\bPRIMARY\s+KEY\b/i.test(line)) out.add('PRIMARY');
    const m = /\bUNIQUE\s+(?:KEY|INDEX)\s+`((?:[^`]|``)+)`/i.exec(line);
    if (m) out.add(m[1].replace(/``/g, '`'));
  }
  return out;
}

/**
 * The ordering key: the PRIMARY KEY, else the unique key (fewest columns, then name, for a
 * deterministic pick) whose columns are all NOT NULL. S2 shard keys and unenforced keys don't count.
 */
export function chooseKey(columns: Column[], stats: IndexStat[], unenforced: Set<string>): { key: string[]; keySource: 'primary' | 'unique' } | null {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const indexes = new Map<string, IndexStat[]>();
  for (const s of stats) {
    if (s.nonUnique || s.indexName === '__SHARDKEY' || s.indexType?.toUpperCase() === 'METADATA_ONLY' || unenforced.has(s.indexName)) continue;
    indexes.set(s.indexName, [...(indexes.get(s.indexName) ?? []), s]);
  }
  const candidates = [...indexes.entries()]
    .map(([name, parts]) => ({ name, cols: parts.sort((a, b) => a.seq - b.seq).map((p) => p.column) }))
    .filter(({ cols }) => cols.every((c) => byName.get(c) && !byName.get(c)!.nullable && isPageable(byName.get(c)!)))
    .sort((a, b) => Number(b.name === 'PRIMARY') - Number(a.name === 'PRIMARY') || a.cols.length - b.cols.length || (a.name < b.name ? -1 : 1));
  const best = candidates[0];
  return best ? { key: best.cols, keySource: best.name === 'PRIMARY' ? 'primary' : 'unique' } : null;
}

async function tableKey(db: Queryable, database: string, table: string, columns: Column[], flavor: Flavor) {
  const stats = await rows(
    db,
    `SELECT INDEX_NAME AS indexName, COLUMN_NAME AS \`column\`, SEQ_IN_INDEX AS seq, NON_UNIQUE AS nonUnique, INDEX_TYPE AS indexType
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [database, table],
  );
  let unenforced = new Set<string>();
  if (flavor === 'singlestore') {
    const ddl = await rows(db, `SHOW CREATE TABLE ${quoteIdent(table)}`);
    unenforced = unenforcedKeys(String(Object.values(ddl[0] ?? {})[1] ?? ''));
  }
  return chooseKey(
    columns,
    stats.map((s) => ({
      indexName: String(s.indexName),
      column: String(s.column),
      seq: Number(s.seq),
      nonUnique: Number(s.nonUnique) !== 0,
      indexType: s.indexType == null ? undefined : String(s.indexType),
    })),
    unenforced,
  );
}

const noKey = (label: string) =>
  new PermanentError(`table \`${label}\` has no primary key or non-null unique key; set source_config.order_by to a unique column list`);

/** Validates a user order_by: columns exist, are pageable, and hold no NULLs (NULL keys would silently drop rows). */
async function userKey(db: Queryable, spec: SourceSpec, columns: Column[], label: string): Promise<string[]> {
  const orderBy = spec.orderBy!;
  if (orderBy.length === 0) throw new PermanentError('source_config.order_by must name at least one column');
  for (const name of orderBy) {
    const col = columns.find((c) => c.name === name);
    if (!col) throw new PermanentError(`source_config.order_by names column \`${name}\`, which does not exist in \`${label}\``);
    if (!isPageable(col)) {
      throw new PermanentError(`source_config.order_by column \`${name}\` has type ${col.sourceType}, which cannot order keyset pages`);
    }
  }
  const nullable = orderBy.filter((n) => columns.find((c) => c.name === n)!.nullable);
  if (nullable.length > 0) {
    const cond = nullable.map((n) => `${quoteIdent(n)} IS NULL`).join(' OR ');
    const hit = await rows(db, `SELECT 1 AS x FROM ${sourceRef(spec)} WHERE ${cond} LIMIT 1`);
    if (hit.length > 0) throw new PermanentError(`source_config.order_by columns must be non-null, but \`${label}\` has NULLs in ${nullable.join(', ')}`);
  }
  return [...orderBy];
}

/** Wraps server errors from a user query as permanent, carrying their class (the server's text is logged). */
async function probeQuery(db: Queryable, spec: SourceSpec): Promise<FieldLike[]> {
  try {
    const [, fields] = await db.query(`SELECT * FROM ${sourceRef(spec)} LIMIT 0`);
    return fields as FieldLike[];
  } catch (e) {
    if (e instanceof PermanentError) throw e;
    const err = e as { errno?: number; message?: string; fatal?: boolean };
    // Connection trouble stays retryable; a server error about the SQL does not.
    if (err.errno === undefined || err.fatal) throw e;
    throw new PermanentError(sanitizeError(e, '', 'source_config.query failed').message, 'BAD_QUERY');
  }
}

/** Types from the table are more exact (JSON on MariaDB, enum values, fsp) when the field agrees on the kind. */
function compatible(field: Column, table: Column): boolean {
  const f = field.type.kind;
  const t = table.type.kind;
  return f === t || (['string', 'binary'].includes(f) && ['json', 'enum', 'set'].includes(t)) || (f === 'int' && t === 'boolean');
}

export async function describeSource(db: Queryable, database: string, spec: SourceSpec, flavor: Flavor): Promise<TableSchema> {
  if (spec.query === undefined) {
    if (!spec.table) throw new PermanentError('source_config needs a table or a query');
    const columns = await tableColumns(db, database, spec.table, flavor);
    if (spec.orderBy) return { name: spec.table, columns, key: await userKey(db, spec, columns, spec.table), keySource: 'user' };
    const key = await tableKey(db, database, spec.table, columns, flavor);
    if (!key) throw noKey(spec.table);
    return { name: spec.table, columns, ...key };
  }

  const fields = await probeQuery(db, spec);
  const tableCols = spec.table ? await tableColumns(db, database, spec.table, flavor) : [];
  const seen = new Set<string>();
  const columns: Column[] = fields.map((f) => {
    if (seen.has(f.name)) throw new PermanentError(`source_config.query returns column \`${f.name}\` twice; alias it`);
    seen.add(f.name);
    const { type, sourceType } = mapFieldType(f);
    const col: Column = { name: f.name, type, sourceType, nullable: fieldNullable(f) };
    const same = tableCols.find((c) => c.name === f.name);
    return same && compatible(col, same) ? { ...col, type: same.type, sourceType: same.sourceType } : col;
  });
  const label = spec.table ? `${spec.table} (query)` : 'query';
  if (spec.orderBy) return { name: label, columns, key: await userKey(db, spec, columns, label), keySource: 'user' };
  if (spec.table) {
    const key = await tableKey(db, database, spec.table, tableCols, flavor);
    if (key && key.key.every((k) => columns.some((c) => c.name === k && isPageable(c)))) return { name: label, columns, ...key };
  }
  throw noKey(spec.table ?? 'query');
}
