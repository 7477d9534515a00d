export type Flavor = 'singlestore' | 'mariadb' | 'mysql';
export interface ServerFlavor {
  flavor: Flavor;
  version: string;
}

/** Minimal query surface (mysql2 pool/connection or a test fake). */
export interface Queryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/**
 * Runs a query and hands each row's packet payload (length-encoded fields, see raw-rows.ts) to
 * `onRow` as it arrives; the bytes are only valid during the call.
 */
export type RawRowStream = (sql: string, params: unknown[], onRow: (buf: Buffer, start: number, end: number) => void) => Promise<void>;

const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * `@@memsql_version` exists only on SingleStore (whose VERSION() pretends to be 5.7.32);
 * MySQL and MariaDB answer error 1193. Then VERSION() tells MariaDB from MySQL.
 */
export async function detectFlavor(db: Queryable): Promise<ServerFlavor> {
  try {
    const [rows] = await db.query('SELECT @@memsql_version AS v');
    return { flavor: 'singlestore', version: String((rows as Array<{ v: unknown }>)[0].v) };
  } catch (e) {
    if ((e as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw e;
  }
  const [rows] = await db.query('SELECT VERSION() AS v');
  const full = String((rows as Array<{ v: unknown }>)[0].v);
  const version = /^[\d.]+/.exec(full)?.[0] ?? full;
  return { flavor: /mariadb/i.test(full) ? 'mariadb' : 'mysql', version };
}

export function describeServer(f: ServerFlavor): string {
  const label = { singlestore: 'SingleStore', mariadb: 'MariaDB', mysql: 'MySQL' }[f.flavor];
  return `${label} ${f.version}`;
}
