/** The catalog of a SingleStore (MySQL, MariaDB) source: base tables of its database with their row estimates. */
import type { CatalogTable } from '../types';
import type { Queryable } from './flavor';

/**
 * information_schema.TABLES: TABLE_ROWS is the engine's estimate (InnoDB samples it, SingleStore
 * keeps it per partition), cheap to read and possibly off. `schema` defaults to the connection's
 * database; `search` matches a substring of the name, case-insensitively.
 */
export async function listCatalogTables(db: Queryable, database: string, opts: { schema?: string; search?: string; limit: number }): Promise<CatalogTable[]> {
  const params: unknown[] = [opts.schema ?? database];
  let where = "TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'";
  if (opts.search) {
    where += ` AND LOWER(TABLE_NAME) LIKE ? ESCAPE '!'`;
    params.push(`%${opts.search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`);
  }
  const [r] = await db.query(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES WHERE ${where} ORDER BY TABLE_NAME LIMIT ${Math.max(1, Math.floor(opts.limit))}`,
    params,
  );
  return (r as Array<{ s: string; name: string; n: unknown }>).map((x) => ({
    name: String(x.name),
    schema: String(x.s),
    rowsEstimate: x.n === null || x.n === undefined ? null : Number(x.n),
  }));
}
