/**
 * Passes an async iterator through, turning whatever it throws into `map(error)` (e.g. a
 * driver error with the password stripped). Closing the outer iterator closes the inner one.
 */
export async function* mapErrors<T>(it: AsyncGenerator<T>, map: (e: unknown) => Error): AsyncGenerator<T> {
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await it.next();
      } catch (e) {
        throw map(e);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it.return(undefined);
  }
}

/**
 * What a database error may say outside the worker: its class and the object it concerns, named
 * by our own request (context), never the server's text (which can carry row values, the user
 * name, the server version or host:port). The full detail goes to the worker's log.
 */
export type ErrorClass =
  | 'syntax'
  | 'unknown-table'
  | 'unknown-column'
  | 'unknown-database'
  | 'permission'
  | 'auth'
  | 'connection'
  | 'timeout'
  | 'read-only'
  | 'data'
  | 'constraint'
  | 'resources'
  | 'other';

const CLASS_TEXT: Record<ErrorClass, string> = {
  syntax: 'the query is not valid SQL for this database (syntax error)',
  'unknown-table': 'a table it names does not exist',
  'unknown-column': 'a column it names does not exist',
  'unknown-database': 'the configured database does not exist',
  permission: 'permission denied to the configured database user',
  auth: 'authentication failed (check the connection URL set on the worker)',
  connection: 'cannot reach the database (connection failed or was lost)',
  timeout: 'the statement ran longer than the statement timeout (SOURCE_STATEMENT_TIMEOUT / SOURCE_PROBE_TIMEOUT) and was cancelled',
  'read-only': 'the source is read-only: the statement tried to write',
  data: 'a value does not fit (data error)',
  constraint: 'a constraint was violated',
  resources: 'the database ran out of resources',
  other: 'the database reported an error',
};

/** `"<context>: <class text> (<code>)"`; the code (SQLSTATE, errno or driver code) carries no data. */
export function publicDbMessage(cls: ErrorClass, code: string | number | undefined, context?: string): string {
  const text = CLASS_TEXT[cls] + (code !== undefined && code !== '' ? ` (${code})` : '');
  return context ? `${context}: ${text}` : text;
}

/** Node socket/DNS errors: their messages name host:port. */
export const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/** Writes a database error's full text to the worker's log, secrets replaced. */
export function logDbError(label: string, e: unknown, secrets: string[], context?: string): void {
  const err = e as { message?: string; detail?: string; hint?: string; code?: unknown; errno?: unknown; sqlMessage?: string };
  let text = `${context ? context + ': ' : ''}${String(err?.message ?? e)}${err?.detail ? ` (${err.detail})` : ''}${err?.hint ? ` hint: ${err.hint}` : ''}`;
  for (const s of secrets) if (s) text = text.split(s).join('***');
  console.warn(`[${label}] ${text} [code ${String(err?.code ?? err?.errno ?? '-')}]`);
}
