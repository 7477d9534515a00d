import pg from 'pg';
import { PermanentError } from '../types';
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
  const opts = ['TimeZone=UTC', 'DateStyle=ISO,YMD', 'IntervalStyle=postgres', 'extra_float_digits=3', 'bytea_output=hex', 'client_encoding=UTF8'];
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

/** Strips the password from any message and makes auth/SQL/data errors permanent. */
export function sanitizeError(e: unknown, password: string, context?: string): Error {
  const err = e as { message?: string; code?: string; detail?: string; column?: string };
  let msg = String(err?.message ?? e);
  if (err?.detail) msg += ` (${err.detail})`;
  if (password) msg = msg.split(password).join('***');
  if (context) msg = `${context}: ${msg}`;
  if (e instanceof PermanentError) return new PermanentError(msg, e.code);
  if (isPermanentCode(err?.code)) return new PermanentError(msg, err.code);
  const out = new Error(msg);
  (out as { code?: string }).code = err?.code;
  return out;
}
