/**
 * The source probes of issue 13 through the API, Temporal and a worker: nothing is written at the
 * source, a sleeping query is cancelled by the statement timeout, and no database error detail
 * (role, server version, user@host) reaches the API's `error` or the workflow history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mariadb, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { withPostgres } from '../support/postgres';
import { api, startStack, type Stack } from '../support/stack';

const ns = uniqueName('es_probe');
const myTable = uniqueName('es_probe_t');
let stack: Stack;
let pgVersion = '';

beforeAll(async () => {
  await withPostgres([], async (pg) => {
    await pg.query(`CREATE SCHEMA "${ns}"`);
    await pg.query(`CREATE TABLE "${ns}".t (id int PRIMARY KEY, v text)`);
    await pg.query(`INSERT INTO "${ns}".t SELECT g, 'v' || g FROM generate_series(1, 20) g`);
    await pg.query(`CREATE TABLE "${ns}".log (n int)`);
    await pg.query(`CREATE SEQUENCE "${ns}".seq`);
    pgVersion = String((await pg.query('SELECT version() AS v')).rows[0].v);
  });
  const my = await mariadb();
  await my.query(`CREATE TABLE \`${myTable}\` (id INT PRIMARY KEY, v VARCHAR(10))`);
  await my.query(`INSERT INTO \`${myTable}\` VALUES (1, 'a'), (2, 'b')`);
  await my.end();
  stack = await startStack({ project: 'probes' });
  stack.workerEnv.SOURCE_STATEMENT_TIMEOUT = '2';
  stack.workerEnv.SOURCE_PROBE_TIMEOUT = '2';
  await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await withPostgres([], async (pg) => {
    await pg.query(`DROP SCHEMA IF EXISTS "${ns}" CASCADE`);
  });
  const my = await mariadb();
  await my.query(`DROP TABLE IF EXISTS \`${myTable}\``);
  await my.end();
});

const pgQuery = (query: string, dest: string) => ({
  name: 'probe',
  source_type: 'POSTGRES',
  source_config: { query, order_by: 'id' },
  destination_type: 'POSTGRES',
  destination_config: { table: dest },
});

async function history(id: string): Promise<string> {
  const h = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
  return JSON.stringify(h);
}

/** Posts; returns the final view (or the 400 answer when the query check refuses it first). */
async function run(body: unknown): Promise<{ status: number; view: Record<string, unknown>; history: string }> {
  const res = await api(stack.app, 'POST', '/api/migrations', body);
  if (res.status !== 201) return { status: res.status, view: res.body, history: '' };
  const view = await waitForStatus(stack, res.body.id, ['completed', 'failed']);
  return { status: 201, view, history: await history(res.body.id) };
}

describe('source probes through the API', () => {
  it('the \\r comment and é$x$ probes create and insert nothing at the source', { timeout: 120_000 }, async () => {
    const dest = uniqueName('es_probe_d');
    await withPostgres([dest], async (pg) => {
      for (const q of [
        `SELECT id FROM "${ns}".t --\r; COMMIT; BEGIN READ WRITE; CREATE TABLE "${ns}".made (a int); INSERT INTO "${ns}".log VALUES (1)`,
        `SELECT 1 AS id, 2 AS é$x$; COMMIT; BEGIN READ WRITE; INSERT INTO "${ns}".log VALUES (2); SELECT $x$`,
      ]) {
        const r = await run(pgQuery(q, dest));
        if (r.status === 201) expect(r.view.status).toBe('failed');
        else expect(r.status).toBe(400);
      }
      expect((await pg.query(`SELECT to_regclass($1) AS r`, [`"${ns}".made`])).rows[0].r).toBeNull();
      expect(Number((await pg.query(`SELECT count(*) AS n FROM "${ns}".log`)).rows[0].n)).toBe(0);
    });
  });

  it('set_config in one migration does not let a later one write', { timeout: 120_000 }, async () => {
    const d1 = uniqueName('es_probe_d');
    const d2 = uniqueName('es_probe_d');
    await withPostgres([d1, d2], async (pg) => {
      await run(pgQuery(`SELECT id, set_config('default_transaction_read_only', 'off', false) AS x FROM "${ns}".t`, d1));
      const r = await run(pgQuery(`SELECT nextval('"${ns}".seq') AS id`, d2));
      expect(r.view.status).toBe('failed');
      expect(String(r.view.error)).toMatch(/read-only/);
      expect(String((await pg.query(`SELECT is_called FROM "${ns}".seq`)).rows[0].is_called)).toMatch(/^(f|false)$/);
    });
  });

  it('a pg_sleep query fails on the statement timeout with a clear error', { timeout: 120_000 }, async () => {
    const dest = uniqueName('es_probe_d');
    await withPostgres([dest], async () => {
      const r = await run(pgQuery(`SELECT id FROM "${ns}".t WHERE pg_sleep(30) IS NOT NULL`, dest));
      expect(r.view.status).toBe('failed');
      expect(String(r.view.error)).toMatch(/statement timeout/);
    });
  });

  it('a cast-error probe returns neither the role nor the server version', { timeout: 120_000 }, async () => {
    const dest = uniqueName('es_probe_d');
    await withPostgres([dest], async () => {
      const r = await run(pgQuery(`SELECT id FROM "${ns}".t WHERE (SELECT current_user || version())::int = 1`, dest));
      expect(r.view.status).toBe('failed');
      const err = String(r.view.error);
      expect(err).toMatch(/data error/);
      for (const text of [err, r.history]) {
        expect(text).not.toContain(pgVersion);
        expect(text).not.toMatch(/invalid input syntax/);
        expect(text).not.toMatch(/postgresPostgreSQL/);
      }
    });
  });

  it('a MySQL EXTRACTVALUE probe returns no user@host', { timeout: 120_000 }, async () => {
    const dest = uniqueName('es_probe_d');
    await withPostgres([dest], async () => {
      const r = await run({
        name: 'probe',
        source_type: 'SINGLESTORE',
        source_config: { query: `SELECT id FROM \`${myTable}\` WHERE EXTRACTVALUE(1, CONCAT(0x7e, USER())) = 1`, order_by: 'id' },
        destination_type: 'POSTGRES',
        destination_config: { table: dest },
      });
      expect(r.view.status).toBe('failed');
      for (const text of [String(r.view.error), r.history]) {
        expect(text).not.toMatch(/root@|XPATH/);
      }
    });
  });
});
