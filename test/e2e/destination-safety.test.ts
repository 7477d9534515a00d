/**
 * Destinations are not overwritten by surprise: `replace` and `upsert` refuse an existing
 * PostgreSQL table Epic Shelter did not create (its comment says who created it) unless the
 * request sets destination_config.overwrite_existing, before anything is written; replace loads
 * into a staging table swapped in at the finish; a table name
 * PostgreSQL would truncate is refused by the API instead of naming another table.
 */
import { expect, it } from 'vitest';
import { stagingTableName } from '../../api/migration-input';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { toPostgres, withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';

const ROWS = 500;
const ctx = seededStack({ prefix: 'es_ow', project: 'ow', seed: (t) => seedSales(MARIADB_URL, ROWS, t) });

async function run(body: Record<string, unknown>, statuses = ['completed']) {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', body);
  expect(res.status).toBe(201);
  return waitForStatus(ctx.stack, res.body.id, statuses);
}

it('replace and upsert refuse a table Epic Shelter did not create; overwrite_existing allows it', { timeout: 240_000 }, async () => {
  const dest = uniqueName('es_ow_dest');
  await withPostgres([dest], async (pg) => {
    // A table of the right shape, made by Epic Shelter and then handed over (its comment cleared),
    // as if someone had created it by hand.
    await run(toPostgres('own', ctx.table, dest));
    await pg.query(`COMMENT ON TABLE "${dest}" IS NULL`);
    await pg.query(`DELETE FROM "${dest}" WHERE id > 10`);
    await pg.query(`UPDATE "${dest}" SET product = 'kept' WHERE id = 1`);

    const replace = await run(toPostgres('replace foreign', ctx.table, dest, { destination_config: { table: dest, write_mode: 'replace' } }), ['failed']);
    expect(replace.error).toContain(`public.${dest}`);
    expect(replace.error).toContain('overwrite_existing');
    const upsert = await run(
      toPostgres('upsert foreign', ctx.table, dest, { options: { mode: 'incremental', cursor_column: 'id' } }),
      ['failed'],
    );
    expect(upsert.error).toContain('not created by Epic Shelter');
    // Nothing was written: the hand-made rows are as they were.
    const after = await pg.query(`SELECT count(*)::int AS n, max(product) FILTER (WHERE id = 1) AS p FROM "${dest}"`);
    expect(after.rows[0]).toEqual({ n: 10, p: 'kept' });

    const allowed = await run(toPostgres('replace allowed', ctx.table, dest, { destination_config: { table: dest, write_mode: 'replace', overwrite_existing: true } }));
    expect(allowed.verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });
  });
});

it('replace into a table Epic Shelter created runs without overwrite_existing', { timeout: 240_000 }, async () => {
  const dest = uniqueName('es_ow_mine');
  await withPostgres([dest], async (pg) => {
    await run(toPostgres('first', ctx.table, dest));
    const comment = await pg.query(`SELECT obj_description($1::regclass, 'pg_class') AS c`, [`"${dest}"`]);
    expect(comment.rows[0].c).toBe('epic-shelter: created by Epic Shelter');
    const again = await run(toPostgres('again', ctx.table, dest, { destination_config: { table: dest, write_mode: 'replace' } }));
    expect(again.verification).toMatchObject({ destination_rows: ROWS, ok: true });
    // Loaded into its own staging table, swapped in at the finish, nothing left behind.
    const staging = stagingTableName(again.id);
    expect(again.warnings).toContain(`write_mode replace: rows load into public.${staging}, which replaces public.${dest} once the copy has finished`);
    expect((await pg.query(`SELECT to_regclass($1) AS r`, [staging])).rows[0].r).toBeNull();
    // An incremental upsert into it likewise.
    const inc = await run(toPostgres('incremental', ctx.table, dest, { options: { mode: 'incremental', cursor_column: 'id' } }));
    expect(inc.status).toBe('completed');
    expect(Number((await pg.query(`SELECT count(*) AS n FROM "${dest}"`)).rows[0].n)).toBe(ROWS);
  });
});

it('refuses a PostgreSQL name longer than 63 bytes instead of truncating it onto another table', { timeout: 60_000 }, async () => {
  const short = `es_ow_${'x'.repeat(57)}`; // 63 bytes
  await withPostgres([short], async (pg) => {
    await pg.query(`CREATE TABLE "${short}" (id int PRIMARY KEY)`);
    await pg.query(`INSERT INTO "${short}" VALUES (1)`);
    const res = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('long', ctx.table, `${short}y`, { destination_config: { table: `${short}y`, write_mode: 'replace' } }));
    expect(res.status).toBe(400);
    expect(res.body.fields).toContainEqual({ path: 'destination_config.table', message: expect.stringContaining('63 bytes') });
    const schema = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('long schema', ctx.table, 'x', { destination_config: { table: 'x', schema: `s${'x'.repeat(63)}` } }));
    expect(schema.status).toBe(400);
    expect(schema.body.fields.map((f: { path: string }) => f.path)).toEqual(['destination_config.schema']);
    expect((await pg.query(`SELECT count(*)::int AS n FROM "${short}"`)).rows[0].n).toBe(1);
  });
});
