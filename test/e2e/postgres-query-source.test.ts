/**
 * PostgreSQL → PostgreSQL through the API, Temporal and a worker, from a query source: a query's
 * columns report as nullable, yet its ordering key is created NOT NULL at the destination (a NULL
 * key cannot be copied), and that must not make the new table look incompatible with the source.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SLOW_PATH_WARNING } from '../../activities/text-path';
import { uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { withPostgres } from '../support/postgres';
import { api, startStack, type Stack } from '../support/stack';

const ROWS = 3_000;
const ns = uniqueName('es_qs');
let stack: Stack;

beforeAll(async () => {
  await withPostgres([], async (pg) => {
    await pg.query(`CREATE SCHEMA "${ns}"`);
    await pg.query(`CREATE TABLE "${ns}".t (id int PRIMARY KEY, v text, flag boolean NOT NULL, at timestamptz)`);
    await pg.query(
      `INSERT INTO "${ns}".t SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'v' || g END, g % 2 = 0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
    );
  });
  stack = await startStack({ project: 'pgq' });
  await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await withPostgres([], async (pg) => {
    await pg.query(`DROP SCHEMA IF EXISTS "${ns}" CASCADE`);
  });
});

it('copies a query with order_by into a new PostgreSQL table, and again into the table it created', { timeout: 180_000 }, async () => {
  const dest = uniqueName('es_qs_dest');
  await withPostgres([dest], async (pg) => {
    const body = {
      name: 'query source',
      source_type: 'POSTGRES',
      source_config: { query: `SELECT id, v, flag, at FROM "${ns}".t`, order_by: 'id' },
      destination_type: 'POSTGRES',
      destination_config: { table: dest },
      options: { chunk_rows: 1_000 },
    };
    const res = await api(stack.app, 'POST', '/api/migrations', body);
    expect(res.status).toBe(201);
    const done = await waitForStatus(stack, res.body.id, ['completed']);
    expect(done).toMatchObject({ rows_copied: ROWS, error: null, verification: { source_rows: ROWS, destination_rows: ROWS, ok: true } });
    // A pair of connectors that never speaks packed rows is not worth a warning on every run.
    expect(done.warnings.join('\n')).not.toContain(SLOW_PATH_WARNING);
    const cols = await pg.query(
      `SELECT column_name, is_nullable, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [dest],
    );
    // The key is NOT NULL (and became the primary key); the other columns keep the query's NULL-ability.
    expect(cols.rows).toEqual([
      { column_name: 'id', is_nullable: 'NO', data_type: 'integer' },
      { column_name: 'v', is_nullable: 'YES', data_type: 'text' },
      { column_name: 'flag', is_nullable: 'YES', data_type: 'boolean' },
      { column_name: 'at', is_nullable: 'YES', data_type: 'timestamp with time zone' },
    ]);
    const diff = await pg.query(
      `SELECT count(*)::int AS n FROM (SELECT id, v, flag, at FROM "${ns}".t EXCEPT SELECT id, v, flag, at FROM "${dest}") x`,
    );
    expect(diff.rows[0].n).toBe(0);

    // Into the table the first run created (now keyed): compatible, and nothing is copied twice.
    const again = await api(stack.app, 'POST', '/api/migrations', body);
    expect(again.status).toBe(201);
    const second = await waitForStatus(stack, again.body.id, ['completed']);
    expect(second.error).toBeNull();
    expect(Number((await pg.query(`SELECT count(*) AS n FROM "${dest}"`)).rows[0].n)).toBe(ROWS);
  });
});
