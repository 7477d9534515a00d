import { connectionEnvName, readConnectionEnv, type Env } from '../env';

export const ENV_PREFIX = 'HYDROLIX';

export interface HydrolixSettings {
  /** Base URL without a trailing slash, e.g. `https://hdx.example.com`. */
  url: string;
  username?: string;
  password?: string;
  /** A permanent (service-account) token; used instead of username/password. */
  token?: string;
  /** Project used when a destination spec has no namespace. */
  project: string;
  /** Uncompressed bytes per ingest POST (stream heads buffer the whole uncompressed message, doc §9). */
  maxRequestBytes: number;
  /**
   * How long after a write its rows may still be invisible to queries (Hydrolix indexes
   * asynchronously, doc §4). Unset: derived from the table's partition settings (visibility.ts).
   */
  visibilityWaitMs?: number;
  /** Rows of the first batch checked with Hydrolix's validator before anything is sent (0: no check). */
  validateRows: number;
  maxRetries: number;
  retryBaseMs: number;
}

function intSetting<D extends number | undefined>(env: Env, field: string, connection: string | undefined, dflt: D, min: number): number | D {
  const raw = readConnectionEnv(env, ENV_PREFIX, field, connection);
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${connectionEnvName(ENV_PREFIX, field, connection)} must be an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

export function readHydrolixSettings(env: Env, connection?: string): HydrolixSettings {
  const name = (field: string) => connectionEnvName(ENV_PREFIX, field, connection);
  const read = (field: string) => readConnectionEnv(env, ENV_PREFIX, field, connection);
  const url = read('URL');
  if (!url) throw new Error(`Hydrolix connection: ${name('URL')} is not set`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Hydrolix connection: ${name('URL')} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Hydrolix connection: ${name('URL')} must be http(s)`);
  }
  const token = read('TOKEN');
  const username = read('USERNAME');
  const password = read('PASSWORD');
  if (!token && !(username && password)) {
    throw new Error(
      `Hydrolix connection: set ${name('TOKEN')}, or both ${name('USERNAME')} and ${name('PASSWORD')}` +
        (username ? ` (${name('PASSWORD')} is missing)` : password ? ` (${name('USERNAME')} is missing)` : ''),
    );
  }
  return {
    url: url.replace(/\/+$/, ''),
    token,
    username: token ? undefined : username,
    password: token ? undefined : password,
    project: read('PROJECT') ?? 'epic_shelter',
    // 4 MiB: each request is built as JSON text before gzip; on wide rows an 8 MiB body took the worker past 256 MiB RSS.
    maxRequestBytes: intSetting(env, 'MAX_REQUEST_BYTES', connection, 4 * 1024 * 1024, 1024),
    visibilityWaitMs: intSetting(env, 'VISIBILITY_WAIT_MS', connection, undefined, 0),
    validateRows: intSetting(env, 'VALIDATE_ROWS', connection, 100, 0),
    maxRetries: intSetting(env, 'MAX_RETRIES', connection, 8, 0),
    retryBaseMs: intSetting(env, 'RETRY_BASE_MS', connection, 1000, 0),
  };
}
