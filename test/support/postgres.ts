/** The tests' PostgreSQL, and the SingleStore → PostgreSQL request the end-to-end tests share. */
import { Client as PgClient } from 'pg';

export const TEST_PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `fn` with a connected client; drops `tables` and closes the client after, pass or fail. */
export async function withPostgres(tables: string[], fn: (pg: PgClient) => Promise<void>): Promise<void> {
  const pg = new PgClient({ connectionString: TEST_PG_URL });
  await pg.connect();
  try {
    await fn(pg);
  } finally {
    for (const t of tables) await pg.query(`DROP TABLE IF EXISTS "${t}"`).catch(() => undefined);
    await pg.end();
  }
}

/** A POST /api/migrations body copying the MariaDB table `source` into the PostgreSQL table `dest`. */
export function toPostgres(name: string, source: string, dest: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    source_type: 'SINGLESTORE',
    source_config: { table: source },
    destination_type: 'POSTGRES',
    destination_config: { table: dest },
    ...extra,
  };
}
