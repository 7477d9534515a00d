import pg from 'pg';
import { PermanentError } from '../types';
import { logDbError, NETWORK_CODES, publicDbMessage, type ErrorClass } from '../map-errors';
import type { PostgresConfig } from './config';

const BYTEA_OID = 17;

/** bytea arrives as `\x<hex>` (bytea_output=hex, forced at startup). */
export function parseBytea(s: string): Buffer {
  return Buffer.from(s.slice(2), 'hex');
}

/**
 * Every value arrives as the server's text, converted per column by values.ts: node-postgres'
 * defaults would send int8/numeric through JS numbers and timestamps through Date (lossy).
 */
const rawTypes = {
  getTypeParser: ((oid: number) => (oid === BYTEA_OID ? parseBytea : (s: string) => s)) as unknown as typeof pg.types.getTypeParser,
};

/**
 * Session settings fixed at startup (no race with a first query): UTC so timestamptz reads and
 * writes canonical UTC text; ISO dates; exact float text; hex bytea; read-only for sources, so a
 * query source cannot write even through a volatile function.
 */
export function startupOptions(readOnly: boolean): string {
  const opts = ['standard_conforming_strings=on', 'TimeZone=UTC', 'DateStyle=ISO,YMD', 'IntervalStyle=postgres', 'extra_float_digits=3', 'bytea_output=hex', 'client_encoding=UTF8'];
  if (readOnly) opts.push('default_transaction_read_only=on');
  return opts.map((o) => `-c ${o}`).join(' ');
}

export function openPool(cfg: PostgresConfig, readOnly: boolean): pg.Pool {
  const pool = new pg.Pool({
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    ssl: cfg.ssl,
    max: cfg.max,
    options: startupOptions(readOnly),
    types: rawTypes,
    application_name: 'epic-shelter',
    connectionTimeoutMillis: 20_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server emits on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * SQLSTATE classes/codes retrying cannot fix: auth (28), bad database/schema (3D, 3F), SQL and
 * privileges (42), data that does not fit (22), constraint violations (23, except unique: a retry
 * asks landedRows and resumes after what is there), read-only violations (25006), limits (54), unsupported (0A).
 */
export function isPermanentCode(code: string | undefined): boolean {
  if (!code || code.length !== 5) return false;
  if (code === '23505') return false;
  return ['28', '3D', '3F', '42', '22', '23', '54', '0A'].includes(code.slice(0, 2)) || code === '25006';
}

/** SQLSTATE → what may be said about it outside the worker. */
export function errorClass(code: string | undefined): ErrorClass {
  if (!code) return 'other';
  if (NETWORK_CODES.has(code)) return 'connection';
  switch (code) {
    case '42601': return 'syntax';
    case '42P01': return 'unknown-table';
    case '42703': return 'unknown-column';
    case '42501': return 'permission';
    case '3D000': return 'unknown-database';
    case '57014': return 'timeout';
    case '25006': return 'read-only';
  }
  switch (code.slice(0, 2)) {
    case '28': return 'auth';
    case '08': case '57': return 'connection';
    case '22': return 'data';
    case '23': return 'constraint';
    case '53': case '54': return 'resources';
    case '42': return 'syntax';
  }
  return 'other';
}

/**
 * Errors as they may leave the worker: our own PermanentErrors (messages we wrote) unchanged;
 * database and driver errors as their class and SQLSTATE, with the structured table/column/
 * constraint names PostgreSQL attaches (catalog names, never values). The full text is logged.
 * Auth/SQL/data errors are permanent, and so is a statement timeout (a retry would wait as long again).
 */
export function sanitizeError(e: unknown, password: string, context?: string): Error {
  if (e instanceof PermanentError) return context ? new PermanentError(`${context}: ${e.message}`, e.code) : e;
  const err = e as { code?: string; table?: string; column?: string; constraint?: string };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const cls = code ? errorClass(code) : 'other';
  logDbError('postgres', e, [password], context);
  const objects = [err?.table && `table "${err.table}"`, err?.column && `column "${err.column}"`, err?.constraint && `constraint "${err.constraint}"`].filter(Boolean);
  const msg = publicDbMessage(cls, code, context) + (cls === 'constraint' || cls === 'data' ? objects.map((o) => `, ${o}`).join('') : '');
  if (isPermanentCode(code) || cls === 'timeout') return new PermanentError(msg, code);
  const out = new Error(msg);
  (out as { code?: string }).code = code;
  return out;
}

/**
 * A Db for source reads: each call checks a client out, runs the statement alone in a read-only
 * transaction under `SET LOCAL statement_timeout`, always through the extended protocol (so text
 * holding several statements is refused by the server), then rolls back (which also undoes any
 * set_config()/SET the statement made) and `DISCARD ALL` (advisory locks, prepared statements,
 * everything else) before the client returns to the pool. Startup options survive DISCARD ALL.
 */
export function readOnlyDb(pool: pg.Pool, timeoutMs: number): Pick<pg.Pool, 'query'> {
  const timeout = Math.max(1, Math.floor(timeoutMs));
  const query = async (config: string | pg.QueryConfig, values?: unknown[]) => {
    const q: pg.QueryConfig = typeof config === 'string' ? { text: config, values } : { ...config, values: config.values ?? values };
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeout}`);
      return await client.query({ ...q, queryMode: 'extended' } as pg.QueryConfig);
    } finally {
      try {
        await client.query('ROLLBACK');
        await client.query('DISCARD ALL');
      } catch (e) {
        broken = e as Error; // never pooled again
      }
      client.release(broken ?? false);
    }
  };
  return { query } as unknown as Pick<pg.Pool, 'query'>;
}
