import type { Connection as CallbackConnection } from 'mysql2';
import { createPool, type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import { PermanentError } from '../types';
import { logDbError, NETWORK_CODES, publicDbMessage, type ErrorClass } from '../map-errors';
import { DEFAULT_SOURCE_TIMEOUTS, type SourceTimeouts } from '../source-timeouts';
import type { Flavor, Queryable } from './flavor';
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
  1792, // write in a read-only transaction
  1969, // MariaDB max_statement_time exceeded
  3024, // MySQL max_execution_time exceeded
]);

/** Data errors (values that do not fit or do not parse): permanent, and their text quotes the value. */
const DATA_ERRNOS = new Set([1264, 1265, 1292, 1366, 1367, 1406, 1411, 1416, 1690, 3140, 1844, 4078]);

export function errorClass(errno: number | undefined, code: string | undefined): ErrorClass {
  if (code && NETWORK_CODES.has(code)) return 'connection';
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'connection';
  if (code === 'ES_STATEMENT_TIMEOUT') return 'timeout';
  switch (errno) {
    case 1064: case 1149: return 'syntax';
    case 1146: return 'unknown-table';
    case 1054: return 'unknown-column';
    case 1049: case 1046: return 'unknown-database';
    case 1045: return 'auth';
    case 1044: case 1142: case 1143: case 1227: return 'permission';
    case 1792: return 'read-only';
    case 1969: case 3024: return 'timeout';
    case 1040: case 1203: case 2013: case 2006: case 1053: case 1927: return 'connection';
    case 1205: case 1213: case 1317: case 1041: case 1037: case 1038: return 'resources';
  }
  if (errno !== undefined && DATA_ERRNOS.has(errno)) return 'data';
  if (errno === 1062 || errno === 1451 || errno === 1452) return 'constraint';
  return 'other';
}

/**
 * Errors as they may leave the worker: our own PermanentErrors unchanged; server and driver
 * errors as their class and errno only (the server's text can quote values, the user@host or
 * the version). The full text is logged. Auth/SQL/data errors and timeouts are permanent.
 */
export function sanitizeError(e: unknown, password: string, context?: string): Error {
  if (e instanceof PermanentError) return context ? new PermanentError(`${context}: ${e.message}`, e.code) : e;
  const err = e as { errno?: number; code?: string };
  const errno = typeof err?.errno === 'number' ? err.errno : undefined;
  const cls = errorClass(errno, err?.code);
  logDbError('singlestore', e, [password], context);
  const msg = publicDbMessage(cls, errno ?? err?.code, context);
  if ((errno !== undefined && PERMANENT_ERRNOS.has(errno)) || cls === 'data' || cls === 'timeout') return new PermanentError(msg, err?.code ?? 'PERMANENT');
  const out = new Error(msg);
  (out as { code?: string }).code = err?.code;
  return out;
}

/** The callback connection under a promise one (streaming queries emit rows as events). */
export const streamingConnection = (c: PoolConnection): CallbackConnection => (c as unknown as { connection: CallbackConnection }).connection;

/** Our session settings; applied on every checkout because the reset on release drops them. */
function sessionSettings(flavor: Flavor | undefined, timeoutMs: number): string {
  const sets = ["NAMES utf8mb4", "time_zone = '+00:00'"];
  // Server-side statement limits. SingleStore has none: SourceSessions kills the query itself.
  if (flavor === 'mariadb') sets.push(`max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`);
  if (flavor === 'mysql') sets.push(`max_execution_time = ${Math.round(timeoutMs)}`);
  return `SET ${sets.join(', ')}`;
}

/**
 * Source reads on checked-out connections: each statement runs alone (mysql2 sends one
 * statement per query, multipleStatements is off) inside `START TRANSACTION READ ONLY`, under a
 * statement time limit, and the session is rolled back and reset (COM_RESET_CONNECTION: user
 * variables, named locks, session variables) before it returns to the pool; a connection that
 * cannot be reset is destroyed.
 */
export class SourceSessions {
  flavor?: Flavor;
  constructor(private readonly pool: Pool, private readonly timeouts: SourceTimeouts = DEFAULT_SOURCE_TIMEOUTS) {}

  async use<T>(long: boolean, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const timeoutMs = long ? this.timeouts.statementMs : this.timeouts.probeMs;
    const conn = await this.pool.getConnection();
    let clean = false;
    let killer: NodeJS.Timeout | undefined;
    let killed = false;
    try {
      await conn.query(sessionSettings(this.flavor, timeoutMs));
      await conn.query('START TRANSACTION READ ONLY');
      if (this.flavor === 'singlestore' || this.flavor === undefined) {
        // No server-side limit: cancel from another connection when the time is up.
        killer = setTimeout(() => {
          killed = true;
          this.pool.query(`KILL QUERY ${Number(conn.threadId)}`).catch(() => undefined);
        }, timeoutMs);
      }
      try {
        return await fn(conn);
      } catch (e) {
        if (killed) throw Object.assign(new Error('statement timeout'), { code: 'ES_STATEMENT_TIMEOUT', cause: e });
        throw e;
      }
    } finally {
      clearTimeout(killer);
      try {
        await conn.query('ROLLBACK');
        await conn.reset();
        clean = true;
      } catch {
        /* destroyed below */
      }
      if (clean) conn.release();
      else conn.destroy();
    }
  }

  /** A Queryable whose every query is its own read-only session (see use). */
  queryable(long: boolean): Queryable {
    return { query: (sql: string, values?: unknown[]) => this.use(long, (c) => c.query(sql as never, values) as Promise<[unknown, unknown]>) };
  }
}
