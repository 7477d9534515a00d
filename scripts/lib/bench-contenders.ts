/**
 * The bench's yardsticks, run as shell pipelines: the pipe (`mariadb --quick --batch | psql COPY`)
 * and pgloader, each loading a shape's whole table into PostgreSQL, plus row counts of what landed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableSchema } from '../../connectors/types';
import { createTableSql, wantedColumns } from '../../connectors/postgres/ddl';

export interface Target {
  mysqlDb: string;
  pgDb: string;
}

const PG = ['-h', '127.0.0.1', '-U', 'postgres'];
/** Both clients speak UTC and UTF-8, so TIMESTAMP values and text cross unchanged. */
const CLIENT_ENV = { ...process.env, PGTZ: 'UTC', PGCLIENTENCODING: 'UTF8' };

export function psql(db: string, sql: string): string {
  return execFileSync('psql', [...PG, '-d', db, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { env: CLIENT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

const quoteMy = (name: string) => '`' + name.replace(/`/g, '``') + '`';
const quotePg = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/**
 * The pipe's SELECT list. `mariadb --batch` prints text with `\t`, `\n`, `\\` and `\0` escaped
 * the way COPY text reads them, and NULL as `NULL`; three kinds need help to arrive exact:
 * binary is sent as `\x` + HEX() (bytea's hex input), BIT as its number (the destination column
 * is bigint, as Epic Shelter makes it), and floats through CAST(… AS CHAR), as Epic Shelter reads
 * them (the server prints a FLOAT column with ~6 significant digits, not the 9 it may need).
 */
export function pipeSelect(schema: TableSchema, table: string): string {
  const cols = schema.columns.map((c) => {
    const id = quoteMy(c.name);
    switch (c.type.kind) {
      case 'binary':
        return `CONCAT('\\\\x', HEX(${id}))`;
      case 'bit':
        return `CAST(${id} AS UNSIGNED)`;
      case 'float':
        return c.type.bits === 32 ? `CAST(CAST(${id} AS DOUBLE) AS CHAR)` : `CAST(${id} AS CHAR)`;
      default:
        return id;
    }
  });
  return `SELECT ${cols.join(', ')} FROM ${quoteMy(table)}`;
}

/**
 * The pipe's destination: the columns and types Epic Shelter creates for this schema (so both
 * load the same PostgreSQL types), with the primary key declared up front as a plain load would.
 */
export function pipeTableSql(schema: TableSchema, table: string): string {
  const { columns } = wantedColumns(schema, { booleanAs: 'boolean' });
  return createTableSql('public', table, columns, schema.key);
}

/** Creates the pipe's empty destination table (outside the timed part). */
export function preparePipe(t: Target, schema: TableSchema, dest: string): void {
  psql(t.pgDb, `DROP TABLE IF EXISTS ${quotePg(dest)}; ${pipeTableSql(schema, dest)}`);
}

/** Loads `source` into the table preparePipe made, through the pipe. Throws if either side fails. */
export function runPipe(t: Target, schema: TableSchema, source: string, dest: string): void {
  const r = spawnSync(
    '/bin/bash',
    [
      '-c',
      'set -o pipefail; mariadb --quick --batch --skip-column-names --default-character-set=utf8mb4 -h127.0.0.1 -uroot "$MY_DB" -e "$SELECT_SQL" ' +
        '| psql -h 127.0.0.1 -U postgres -d "$PG_DB" -qX -v ON_ERROR_STOP=1 -c "$COPY_SQL"',
    ],
    {
      env: {
        ...CLIENT_ENV,
        MY_DB: t.mysqlDb,
        PG_DB: t.pgDb,
        SELECT_SQL: `SET time_zone = '+00:00'; ${pipeSelect(schema, source)}`,
        COPY_SQL: `COPY ${quotePg(dest)} FROM STDIN WITH (NULL 'NULL')`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`pipe ${source} → ${dest} failed: ${r.stderr.toString().slice(0, 2000)}`);
}

export function hasPgloader(): boolean {
  return spawnSync('pgloader', ['--version']).status === 0;
}

export function pgloaderVersion(): string {
  const out = spawnSync('pgloader', ['--version']).stdout?.toString() ?? '';
  return /version "?([^"\s]+)/.exec(out)?.[1] ?? '?';
}

/** Database pgloader loads into, recreated before each run (it creates its own schema and types). */
export const PGLOADER_DB = 'es_bench_pgloader';

/** An empty database for pgloader (outside the timed part). */
export function preparePgloader(db = PGLOADER_DB): void {
  psql('test', `DROP DATABASE IF EXISTS ${db}`);
  psql('test', `CREATE DATABASE ${db}`);
}

/**
 * pgloader with its default casts (TINYINT(1) → boolean, BLOB/VARBINARY → bytea, BIT → bit, TIME →
 * time, YEAR → integer, ENUM → a CREATE TYPE; `create tables, include drop`, its indexes and key
 * built after the data), 4 workers, one table at a time. MariaDB reports JSON as `longtext`, which
 * pgloader would load as text: JSON columns are cast to jsonb, as Epic Shelter and the pipe load
 * them, so PostgreSQL parses the same JSON for each. A 4 GiB Lisp heap: with SBCL's default 1 GiB,
 * pgloader runs out of memory on the text shape (4 workers prefetching 100,000 rows of ~1 KB each).
 * Returns pgloader's output.
 */
export function runPgloader(t: Target, schema: TableSchema, table: string, db = PGLOADER_DB): string {
  const dir = mkdtempSync(join(tmpdir(), 'es-bench-'));
  const load = join(dir, `${table}.load`);
  const casts = schema.columns.filter((c) => c.type.kind === 'json').map((c) => `column ${table}.${c.name} to jsonb drop typemod`);
  writeFileSync(
    load,
    `LOAD DATABASE FROM mysql://root@127.0.0.1:3306/${t.mysqlDb} INTO postgresql://postgres@127.0.0.1:5432/${db}
     INCLUDING ONLY TABLE NAMES MATCHING '${table}'
     WITH create tables, include drop, workers = 4, concurrency = 1${casts.length ? `\n     CAST ${casts.join(',\n          ')}` : ''};\n`,
  );
  const r = spawnSync('pgloader', ['--dynamic-space-size', '4096', '--on-error-stop', load], { env: CLIENT_ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`;
  if (r.status !== 0) {
    const cause = out.split('\n').find((l) => /ERROR|FATAL|Heap exhausted/i.test(l)) ?? 'see its output below';
    throw new Error(`pgloader ${table} failed (exit ${r.status}): ${cause.trim()}\n${out.slice(-3000)}`);
  }
  return out;
}

/** Rows in a PostgreSQL table found by name in any schema of `db` (pgloader picks its schema). */
export function countPg(db: string, table: string): number {
  const schema = psql(db, `SELECT table_schema FROM information_schema.tables WHERE table_name = '${table.replace(/'/g, "''")}' ORDER BY table_schema = 'public' DESC LIMIT 1`).trim();
  if (!schema) throw new Error(`${db}: no table ${table}`);
  return Number(psql(db, `SELECT count(*) FROM ${quotePg(schema)}.${quotePg(table)}`).trim());
}

/** Column types of a PostgreSQL table, for the report (pgloader's casts differ from Epic Shelter's). */
export function pgColumnTypes(db: string, table: string): Map<string, string> {
  const out = psql(
    db,
    `SELECT a.attname || '|' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relname = '${table.replace(/'/g, "''")}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  );
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split('|') as [string, string]));
}
