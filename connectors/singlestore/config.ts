import { readFileSync } from 'node:fs';
import { readConnectionUrl, type Env } from '../env';
import { PermanentError } from '../types';
import { readSourceTimeouts, type SourceTimeouts } from '../source-timeouts';

export const ENV_PREFIX = 'SINGLESTORE';

export interface SingleStoreConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** mysql2 `ssl` option; undefined = plain TCP. */
  ssl?: { ca?: Buffer; rejectUnauthorized?: boolean };
  connectionLimit: number;
  /** Source statement limits (SOURCE_STATEMENT_TIMEOUT, SOURCE_PROBE_TIMEOUT); absent = defaults. */
  timeouts?: SourceTimeouts;
}

/**
 * Parses `SINGLESTORE_URL[_<CONN>]` = mysql://user:pass@host:port/db[?ssl=true|ssl-ca=path&connection-limit=n].
 * Errors name the env var but never echo the URL: it carries the password.
 */
export function readConfig(env: Env, connection?: string): SingleStoreConfig {
  const expected = 'expected mysql://user:password@host:port/database';
  const { name, url } = readConnectionUrl(env, ENV_PREFIX, connection, expected, (m) => new PermanentError(m));
  if (!['mysql:', 'singlestore:', 'memsql:'].includes(url.protocol)) {
    throw new PermanentError(`${name} must use the mysql:// scheme (${expected})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  // S2's shared tier refuses sessions without a default database; we need one anyway.
  if (!url.hostname || !url.username || !database || database.includes('/')) {
    throw new PermanentError(`${name} must name a host, a user and a database (${expected})`);
  }
  const port = url.port ? Number(url.port) : 3306;
  const cfg: SingleStoreConfig = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    connectionLimit: 4,
    timeouts: readSourceTimeouts(env),
  };
  for (const [key, value] of url.searchParams) {
    switch (key) {
      case 'ssl':
        if (!['true', 'false', '1', '0'].includes(value)) throw new PermanentError(`${name}: ssl must be true or false`);
        if (value === 'true' || value === '1') cfg.ssl = { ...cfg.ssl };
        break;
      case 'ssl-ca': // Helios: singlestore_bundle.pem
        try {
          cfg.ssl = { ...cfg.ssl, ca: readFileSync(value) };
        } catch (e) {
          throw new PermanentError(`${name}: cannot read ssl-ca file ${value}: ${(e as Error).message}`);
        }
        break;
      case 'ssl-verify':
        if (value !== 'false') throw new PermanentError(`${name}: ssl-verify only accepts false`);
        cfg.ssl = { ...cfg.ssl, rejectUnauthorized: false };
        break;
      case 'connection-limit': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new PermanentError(`${name}: connection-limit must be 1..64`);
        cfg.connectionLimit = n;
        break;
      }
      default:
        throw new PermanentError(`${name}: unknown URL parameter "${key}" (known: ssl, ssl-ca, ssl-verify, connection-limit)`);
    }
  }
  return cfg;
}
