/**
 * Creates the Temporal server's two PostgreSQL databases when missing and brings their schemas to
 * the version the server binary expects, with temporal-sql-tool (the schemas are embedded in it).
 * Safe to run at every start: an up-to-date schema is left alone.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import type { ClusterDatabases, PostgresTarget } from './cluster-config';

const run = promisify(execFile);

function connect(pg: PostgresTarget, database: string): PgClient {
  return new PgClient({ host: pg.host, port: pg.port, user: pg.user, password: pg.password || undefined, database });
}

async function createDatabaseIfMissing(pg: PostgresTarget, name: string): Promise<void> {
  const admin = connect(pg, 'postgres');
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // Another start created it meanwhile.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
  } finally {
    await admin.end();
  }
}

async function hasVersionTable(pg: PostgresTarget, database: string): Promise<boolean> {
  const db = connect(pg, database);
  await db.connect();
  try {
    return Boolean((await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'`)).rowCount);
  } finally {
    await db.end();
  }
}

async function sqlTool(bin: string, pg: PostgresTarget, database: string, args: string[]): Promise<void> {
  const conn = ['--plugin', 'postgres12', '--ep', pg.host, '--port', String(pg.port), '--user', pg.user, '--db', database];
  // The password goes through the environment (SQL_PASSWORD), not the process list.
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  try {
    await run(bin, ['--quiet', ...conn, ...args], { env, maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`);
  }
}

/** Creates both databases if needed and updates their schemas (a new database is set up from version 0). */
export async function prepareDatabases(sqlToolBin: string, pg: PostgresTarget, dbs: ClusterDatabases): Promise<void> {
  for (const [database, schema] of [
    [dbs.main, 'postgresql/v12/temporal'],
    [dbs.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    await createDatabaseIfMissing(pg, database);
    if (!(await hasVersionTable(pg, database))) await sqlTool(sqlToolBin, pg, database, ['setup-schema', '-v', '0.0']);
    await sqlTool(sqlToolBin, pg, database, ['update-schema', '--schema-name', schema]);
  }
}

/** Drops both databases (tests start from nothing). */
export async function dropDatabases(pg: PostgresTarget, dbs: ClusterDatabases): Promise<void> {
  const admin = connect(pg, 'postgres');
  await admin.connect();
  try {
    for (const name of [dbs.main, dbs.visibility]) await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
