/**
 * Seeds a bench shape in MariaDB unless the table already holds exactly these rows: the table's
 * comment carries a hash of its DDL, generators and row count, written only once seeding finished.
 */
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createTableSql, insertSql, type Shape } from './bench-shapes';

/** Rows per INSERT … SELECT: bounded transactions, few round trips. */
const SLICE = 250_000;

export function shapeSignature(shape: Shape, rows: number): string {
  const h = createHash('sha256').update(createTableSql(shape, '')).update(insertSql(shape, 1, rows)).update(String(rows));
  return `bench ${h.digest('hex').slice(0, 16)}`;
}

/** Creates and fills `shape.table` with rows 1..rows when it is missing or different. Returns whether it seeded. */
export async function ensureShape(url: string, shape: Shape, rows: number, log: (m: string) => void = console.log): Promise<boolean> {
  const signature = shapeSignature(shape, rows);
  const db = await mysql.createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    const [have] = await db.query('SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [shape.table]);
    if ((have as Array<{ c: string }>)[0]?.c === signature) return false;
    log(`seeding ${shape.table}: ${rows} rows ...`);
    const t0 = Date.now();
    // TIMESTAMP values are generated as UTC; a local zone would shift them or hit DST gaps.
    await db.query(`SET time_zone = '+00:00'`);
    await db.query(`DROP TABLE IF EXISTS \`${shape.table}\``);
    await db.query(createTableSql(shape, 'seeding'));
    for (let from = 1; from <= rows; from += SLICE) await db.query(insertSql(shape, from, Math.min(rows, from + SLICE - 1)));
    await db.query(`ALTER TABLE \`${shape.table}\` COMMENT = ?`, [signature]);
    await db.query(`ANALYZE TABLE \`${shape.table}\``);
    log(`seeded ${shape.table} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    await db.end();
  }
}
