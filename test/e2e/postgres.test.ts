/**
 * SingleStore (MariaDB) → PostgreSQL through the API: a full copy lands every row, and the
 * verification step compares row counts and an exact key checksum; a destination with the
 * right count but the wrong rows fails verification.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect, it } from 'vitest';
import { ConnectorCache, createActivities } from '../../activities';
import { seedSales } from '../../scripts/seed-sales';
import type { TableSchema } from '../../connectors/types';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { TEST_PG_URL, toPostgres, withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';

const ROWS = 20_000;
const ctx = seededStack({ prefix: 'es_pg', project: 'pg', seed: (t) => seedSales(MARIADB_URL, ROWS, t) });
const dest = uniqueName('es_pg_dest');

it('copies into PostgreSQL and verifies counts and the key checksum', { timeout: 180_000 }, async () => {
  await withPostgres([dest], async (pg) => {
    const res = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('to postgres', ctx.table, dest, { options: { chunk_rows: 5_000 } }));
    expect(res.status).toBe(201);
    const done = await waitForStatus(ctx.stack, res.body.id, ['completed']);
    const sum = String((ROWS * (ROWS + 1)) / 2);
    expect(done.verification).toEqual({ source_rows: ROWS, destination_rows: ROWS, source_key_sum: sum, destination_key_sum: sum, ok: true });
    const check = await pg.query(`SELECT count(*) AS n, count(DISTINCT id) AS d, sum(amount)::text AS a FROM "${dest}"`);
    expect(Number(check.rows[0].n)).toBe(ROWS);
    expect(Number(check.rows[0].d)).toBe(ROWS);
    // Loaded without the key, which the finishing phase then built (and reported).
    const pk = await pg.query(
      `SELECT a.attname, obj_description(c.conrelid, 'pg_class') AS comment FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.conrelid = $1::regclass AND c.contype = 'p'`,
      [`"${dest}"`],
    );
    expect(pk.rows).toEqual([{ attname: 'id', comment: 'epic-shelter: created by Epic Shelter' }]);
    expect(done.warnings).toContainEqual(expect.stringMatching(/^primary key \(id\) of public\.\w+ built after the load in \d+\.\d s$/));
    // Both tallies were taken while the key was built: no separate verification step ran.
    const history = (await ctx.stack.temporal.client.workflow.getHandle(res.body.id).fetchHistory()).events ?? [];
    const steps = history.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(steps).toContain('finishAndTallyDestination');
    expect(steps).not.toContain('verifyCounts');
    // The source's half came with the plan: no second scan of the source either.
    expect(steps).not.toContain('tallySource');
    // The setup steps ran as local activities: markers, no scheduled activity each.
    const local = history.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(local).toHaveLength(4);
    expect(new Set(steps)).toEqual(new Set(['copyChunk', 'finishAndTallyDestination']));

    // Same count, different rows: only the checksum can tell.
    await pg.query(`DELETE FROM "${dest}" WHERE id = 7`);
    await pg.query(`INSERT INTO "${dest}" SELECT 999999, date, quantity, product, amount, notes, attrs FROM "${dest}" WHERE id = 8`);
    const env = { SINGLESTORE_URL: MARIADB_URL, POSTGRES_URL: TEST_PG_URL };
    const connectors = new ConnectorCache(env);
    const acts = createActivities({ env, connectors });
    try {
      const source = { type: 'SINGLESTORE', spec: { table: ctx.table } };
      const schema: TableSchema = await new MockActivityEnvironment().run(acts.readSourceSchema, source);
      const v = (await new MockActivityEnvironment().run(acts.verifyCounts, {
        source,
        destination: { type: 'POSTGRES', spec: { table: dest } },
        schema,
        rowsCopied: ROWS,
        incremental: false,
      })) as { ok: boolean; sourceRows: number; destinationRows: number };
      expect(v).toMatchObject({ sourceRows: ROWS, destinationRows: ROWS, ok: false });
    } finally {
      await connectors.closeAll();
    }
  });
});

it('applies transform_query on the source (the rows are seen as `source`)', { timeout: 180_000 }, async () => {
  const out = uniqueName('es_pg_tq');
  await withPostgres([out], async (pg) => {
    const res = await api(
      ctx.stack.app,
      'POST',
      '/api/migrations',
      toPostgres('transformed', ctx.table, out, { transform_query: 'SELECT id, UPPER(product) AS product, amount * 2 AS doubled FROM source WHERE id <= 1000' }),
    );
    expect(res.status).toBe(201);
    const done = await waitForStatus(ctx.stack, res.body.id, ['completed']);
    expect(done.rows_copied).toBe(1_000);
    const r = await pg.query(`SELECT count(*) AS n, count(*) FILTER (WHERE product = upper(product)) AS up FROM "${out}"`);
    expect(Number(r.rows[0].n)).toBe(1_000);
    expect(Number(r.rows[0].up)).toBe(1_000);
    const cols = await pg.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [out]);
    expect(cols.rows.map((c) => c.column_name)).toEqual(['id', 'product', 'doubled']);
  });
});

it('a destination holding a row the source lacks fails verification, with both counts', { timeout: 180_000 }, async () => {
  const out = uniqueName('es_pg_extra');
  const body = toPostgres('first 100 rows', ctx.table, out, { transform_query: 'SELECT id, product FROM source WHERE id <= 100' });
  await withPostgres([out], async (pg) => {
    const first = await api(ctx.stack.app, 'POST', '/api/migrations', body);
    expect((await waitForStatus(ctx.stack, first.body.id, ['completed'])).verification).toMatchObject({ ok: true });
    // A row the source never had; the second run appends into the existing table and finds it there.
    await pg.query(`INSERT INTO "${out}" (id, product) VALUES (999999, 'stray')`);
    const second = await api(ctx.stack.app, 'POST', '/api/migrations', body);
    expect(second.status).toBe(201);
    const failed = await waitForStatus(ctx.stack, second.body.id, ['failed']);
    expect(failed.error).toBe(`verification failed: source has 100 rows, destination public.${out} has 101`);
    expect(failed.verification).toMatchObject({ source_rows: 100, destination_rows: 101, ok: false });
    // The planning tally and the one taken at the finish disagreed, so the verification step
    // counted both ends again (no source tally handed to it) before failing.
    const history = (await ctx.stack.temporal.client.workflow.getHandle(second.body.id).fetchHistory()).events ?? [];
    const verify = history.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'verifyCounts');
    const payload = verify?.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
    expect(payload).toBeDefined();
    const args = JSON.parse(Buffer.from(payload!).toString('utf8'));
    expect(args).toMatchObject({ incremental: false });
    expect(args.sourceTally).toBeUndefined();
  });
});
