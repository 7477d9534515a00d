/** The catalog of a PostgreSQL source: tables of its non-system schemas with their row estimates. */
import type { CatalogTable } from '../types';
import type { Db } from './schema';

/**
 * pg_class.reltuples is the planner's estimate (-1 before the first VACUUM/ANALYZE on PostgreSQL
 * 14+; then pg_stat_user_tables.n_live_tup, or null). `schema` narrows to one schema; `search`
 * matches a substring of the name, case-insensitively.
 */
export async function listCatalogTables(db: Db, opts: { schema?: string; search?: string; limit: number }): Promise<CatalogTable[]> {
  const params: unknown[] = [];
  const conds = ["c.relkind IN ('r', 'p')", "n.nspname NOT IN ('pg_catalog', 'information_schema')", "n.nspname NOT LIKE 'pg\\_%'", 'NOT c.relispartition'];
  if (opts.schema) conds.push(`n.nspname = $${params.push(opts.schema)}`);
  if (opts.search) conds.push(`c.relname ILIKE $${params.push(`%${opts.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)}`);
  const r = await db.query(
    `SELECT n.nspname AS s, c.relname AS name,
            CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END AS n
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE ${conds.join(' AND ')}
      ORDER BY pg_table_is_visible(c.oid) DESC, n.nspname, c.relname LIMIT ${Math.max(1, Math.floor(opts.limit))}`,
    params,
  );
  return (r.rows as Array<{ s: string; name: string; n: unknown }>).map((x) => ({
    name: String(x.name),
    schema: String(x.s),
    rowsEstimate: x.n === null || x.n === undefined ? null : Number(x.n),
  }));
}
