import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { PermanentError } from '../types';
import type { SingleStoreConfig } from './config';

export function poolOptions(cfg: SingleStoreConfig): PoolOptions {
  return {
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    ssl: cfg.ssl,
    connectionLimit: cfg.connectionLimit,
    // S2's server default is 3-byte utf8, which garbles 4-byte characters.
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    // JSON stays the exact server text: JSON.parse would round big numbers.
    jsonStrings: true,
    multipleStatements: false,
    connectTimeout: 20_000,
  };
}

/**
 * Pool whose every new connection is set up before it runs anything else
 * (mysql2 queues commands per connection, so these run first).
 */
export function openPool(cfg: SingleStoreConfig): Pool {
  const pool = createPool(poolOptions(cfg));
  pool.pool.on('connection', (conn) => {
    // The handshake collation may be ignored by S2 (unconfirmed), so say it again.
    conn.query('SET NAMES utf8mb4', () => undefined);
    // MariaDB/MySQL: TIMESTAMP values print in UTC. On S2 this is accepted but a no-op,
    // so TIMESTAMP columns are read through UNIX_TIMESTAMP() there (see sql.ts selectExpr).
    conn.query("SET time_zone = '+00:00'", () => undefined);
  });
  return pool;
}

const PERMANENT_ERRNOS = new Set([
  1044, // access denied to database
  1045, // access denied for user
  1046, // no database selected (S2 shared tier)
  1049, // unknown database
  1054, // unknown column
  1064, // parse error
  1146, // no such table
  1149, // syntax error
  1227, // missing privilege
  1142, // command denied
  1143, // column access denied
]);

/**
 * Strips the password from any message (mysql2 prints only user@host, but a
 * driver or proxy could echo more) and makes auth/SQL errors permanent.
 */
export function sanitizeError(e: unknown, password: string, context?: string): Error {
  const err = e as { message?: string; errno?: number; code?: string };
  let msg = String(err?.message ?? e);
  if (password) msg = msg.split(password).join('***');
  if (context) msg = `${context}: ${msg}`;
  if (e instanceof PermanentError) return new PermanentError(msg, e.code);
  if (err?.errno !== undefined && PERMANENT_ERRNOS.has(err.errno)) return new PermanentError(msg, err.code ?? 'PERMANENT');
  const out = new Error(msg);
  (out as { code?: string }).code = err?.code;
  return out;
}
