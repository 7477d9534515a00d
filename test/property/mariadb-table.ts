/**
 * Puts a generated TableCase into MariaDB and reads back what MariaDB really holds (the truth the
 * copies are compared with: MariaDB trims CHAR padding, pads BINARY, rounds FLOAT, dedupes keys
 * under the collation), independently of the connector code: every value as the server prints it,
 * bytes as hex, BIT as its number, TIMESTAMP in UTC.
 */
import type { Connection } from 'mysql2/promise';
import { ddlType, type ColDef, type SqlValue, type TableCase } from './table-arb';

export const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;

export function createTableSql(table: string, c: TableCase): string {
  const cols = c.columns.map((col) => `${q(col.name)} ${ddlType(col.type)} ${col.nullable ? 'NULL' : 'NOT NULL'}${col.type.t === 'timestamp' && col.nullable ? ' DEFAULT NULL' : ''}`);
  return `CREATE TABLE ${q(table)} (${cols.join(', ')}, PRIMARY KEY (${c.key.map(q).join(', ')})) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${c.collation}`;
}

const NUMERIC = new Set(['int', 'bool', 'decimal', 'float', 'double', 'year', 'bit']);

function literal(db: Connection, col: ColDef, v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString('hex')}'`;
  if (NUMERIC.has(col.type.t)) return v;
  return db.escape(v);
}

/**
 * Creates and fills the table. INSERT IGNORE: a value MariaDB adjusts, or a key it deems equal to
 * another's under the collation, is whatever MariaDB then holds, which readTruth reports.
 */
export async function createAndFill(db: Connection, table: string, c: TableCase): Promise<void> {
  await db.query(createTableSql(table, c));
  const values = c.rows.map((r) => `(${r.map((v, i) => literal(db, c.columns[i], v)).join(', ')})`);
  await db.query(`INSERT IGNORE INTO ${q(table)} (${c.columns.map((col) => q(col.name)).join(', ')}) VALUES ${values.join(', ')}`);
}

/** The source's rows as text (null for NULL), in column order; bytes as lowercase hex. Order is not significant. */
export async function readTruth(db: Connection, table: string, c: TableCase): Promise<Array<Array<string | null>>> {
  const exprs = c.columns.map((col) => {
    const x = q(col.name);
    switch (col.type.t) {
      case 'binary': case 'varbinary': case 'blob': return `LOWER(HEX(${x}))`;
      case 'bit': return `CAST(${x} AS UNSIGNED)`;
      // The plain column prints ~6 (FLOAT) or ~15 (DOUBLE) digits; these print the stored value exactly.
      case 'float': return `CAST(CAST(${x} AS DOUBLE) AS CHAR)`;
      case 'double': return `CAST(${x} AS CHAR)`;
      default: return x;
    }
  });
  const [rows] = await db.query({
    sql: `SELECT ${exprs.join(', ')} FROM ${q(table)}`,
    rowsAsArray: true,
    typeCast: (field: { string(): string | null }) => field.string(),
  });
  return rows as Array<Array<string | null>>;
}
