/**
 * `replace` without a window of emptiness: rows load into a staging table, named for the
 * migration (spec.options.staging_table, set by the API), and finishTable swaps it in for the
 * target in one transaction. A failed or cancelled run leaves the old table as it was; a retry
 * resumes into the same staging table; another migration's leftover staging table has another
 * name and is never swapped in.
 */
import type pg from 'pg';
import { PermanentError, type DestinationSpec } from '../types';
import { createdByUs, pkeyName } from './deferred-key';
import { findRelation } from './schema';
import { qualify, quoteIdent } from './sql';

/** The staging table of a replace run, or undefined (other modes; runs started before staging). */
export function stagingTable(spec: DestinationSpec): string | undefined {
  const o = spec.options ?? {};
  return o.write_mode === 'replace' && typeof o.staging_table === 'string' && o.staging_table !== '' ? o.staging_table : undefined;
}

/** A table of that name that Epic Shelter did not create is never dropped or swapped in. */
export async function dropStaging(pool: pg.Pool, namespace: string, staging: string): Promise<void> {
  const rel = await findRelation(pool, namespace, staging);
  if (!rel) return;
  if (!(await createdByUs(pool, rel.oid))) {
    throw new PermanentError(`table ${namespace}.${staging} (the staging table of this migration) exists and was not created by Epic Shelter; drop or rename it`);
  }
  await pool.query(`DROP TABLE ${qualify(namespace, staging)}`);
}

/**
 * Drops the target (if any) and renames the staging table (and its primary key) to it, in one
 * transaction. Returns false when the staging table is gone: an earlier attempt already swapped.
 */
export async function swapIn(pool: pg.Pool, namespace: string, staging: string, table: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rel = await findRelation(client, namespace, staging);
    if (!rel) {
      await client.query('COMMIT');
      client.release();
      return false;
    }
    // Waits for readers of the staging table (a verification tally) and a concurrent swapper.
    await client.query(`LOCK TABLE ${qualify(namespace, staging)} IN ACCESS EXCLUSIVE MODE`);
    if (!(await findRelation(client, namespace, staging))) {
      await client.query('COMMIT');
      client.release();
      return false;
    }
    await client.query(`DROP TABLE IF EXISTS ${qualify(namespace, table)}`);
    await client.query(`ALTER TABLE ${qualify(namespace, staging)} RENAME TO ${quoteIdent(table)}`);
    const pk = await client.query(`SELECT conname FROM pg_constraint WHERE conrelid = $1::oid AND contype = 'p'`, [rel.oid]);
    if (pk.rows[0]) {
      const name = await pkeyName(client, namespace, table);
      await client.query(`ALTER TABLE ${qualify(namespace, table)} RENAME CONSTRAINT ${quoteIdent(pk.rows[0].conname)} TO ${quoteIdent(name)}`);
    }
    await client.query('COMMIT');
    client.release();
    return true;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(e as Error);
    if ((e as { code?: string }).code === '2BP01') {
      throw new PermanentError(`${namespace}.${table} cannot be replaced: other objects (views, foreign keys) depend on it; the new rows stay in ${namespace}.${staging}`, 'DEPENDENT_OBJECTS');
    }
    throw e;
  }
}
