/**
 * Connection settings come from the worker's environment, never from requests.
 * The default connection of a type reads `<PREFIX>_<FIELD>`; a named connection
 * `eu` reads `<PREFIX>_<FIELD>_EU`, falling back to nothing (so a typo is an error, not a silent default).
 */
export type Env = Record<string, string | undefined>;

export function connectionEnvName(prefix: string, field: string, connection?: string): string {
  const base = `${prefix}_${field}`;
  if (!connection || connection === 'default') return base;
  return `${base}_${connection.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function readConnectionEnv(env: Env, prefix: string, field: string, connection?: string): string | undefined {
  const value = env[connectionEnvName(prefix, field, connection)];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads and parses a connection URL setting (`<PREFIX>_URL[_<CONN>]`). Errors name the env var
 * but never echo its value: the URL carries the password. Throws `makeError(message)`.
 */
export function readConnectionUrl(
  env: Env,
  prefix: string,
  connection: string | undefined,
  expected: string,
  makeError: (message: string) => Error,
): { name: string; url: URL } {
  const name = connectionEnvName(prefix, 'URL', connection);
  const raw = readConnectionEnv(env, prefix, 'URL', connection);
  if (!raw) throw makeError(`${name} is not set (${expected})`);
  try {
    return { name, url: new URL(raw) };
  } catch {
    throw makeError(`${name} is not a valid URL (${expected})`);
  }
}
