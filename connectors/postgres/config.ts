import { readFileSync } from 'node:fs';
import { readConnectionUrl, type Env } from '../env';
import { PermanentError } from '../types';
import { readSourceTimeouts, type SourceTimeouts } from '../source-timeouts';

export const ENV_PREFIX = 'POSTGRES';

export interface PostgresConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** node-postgres `ssl` option; false = plain TCP. */
  ssl: false | { rejectUnauthorized: boolean; ca?: Buffer; checkServerIdentity?: () => undefined };
  /** Pool size. */
  max: number;
  /** Source statement limits (SOURCE_STATEMENT_TIMEOUT, SOURCE_PROBE_TIMEOUT); absent = defaults. */
  timeouts?: SourceTimeouts;
}

const SSLMODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/**
 * Parses `POSTGRES_URL[_<CONN>]` = postgres://user:pass@host:5432/db[?sslmode=..&sslrootcert=path&connection-limit=n].
 * Errors name the env var but never echo the URL: it carries the password.
 */
export function readConfig(env: Env, connection?: string): PostgresConfig {
  const expected = 'expected postgres://user:password@host:5432/database';
  const { name, url } = readConnectionUrl(env, ENV_PREFIX, connection, expected, (m) => new PermanentError(m));
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new PermanentError(`${name} must use the postgres:// scheme (${expected})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !url.username || !database || database.includes('/')) {
    throw new PermanentError(`${name} must name a host, a user and a database (${expected})`);
  }
  const cfg: PostgresConfig = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    ssl: false,
    max: 4,
    timeouts: readSourceTimeouts(env),
  };
  let ca: Buffer | undefined;
  let mode = 'disable';
  for (const [key, value] of url.searchParams) {
    switch (key) {
      case 'sslmode':
        if (!SSLMODES.includes(value)) throw new PermanentError(`${name}: sslmode must be one of ${SSLMODES.join(', ')}`);
        mode = value;
        break;
      case 'sslrootcert':
        try {
          ca = readFileSync(value);
        } catch (e) {
          throw new PermanentError(`${name}: cannot read sslrootcert file ${value}: ${(e as Error).message}`);
        }
        break;
      case 'connection-limit': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new PermanentError(`${name}: connection-limit must be 1..64`);
        cfg.max = n;
        break;
      }
      default:
        throw new PermanentError(`${name}: unknown URL parameter "${key}" (known: sslmode, sslrootcert, connection-limit)`);
    }
  }
  // node-postgres has no "prefer" fallback: treat it as disable rather than failing on servers without TLS.
  if (mode === 'require' || mode === 'no-verify') cfg.ssl = { rejectUnauthorized: false, ca };
  else if (mode === 'verify-full') cfg.ssl = { rejectUnauthorized: true, ca };
  // verify-ca: chain checked, host name not (libpq semantics).
  else if (mode === 'verify-ca') cfg.ssl = { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
  return cfg;
}
