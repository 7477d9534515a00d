/**
 * POST /api/migrations/plan on the real stack (Temporal dev server, worker, MariaDB, PostgreSQL,
 * the Hydrolix emulator): the answer is what setup would do (DDL, column mapping, chunk plan from
 * the source's statistics, warnings), mistakes come back as 400/422 naming the field, and the
 * plan writes nothing: no destination table, no rows, no migration, the source unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mariadb, uniqueName } from '../support/mariadb';
import { withPostgres } from '../support/postgres';
import { api, startStack, type Stack } from '../support/stack';

const src = uniqueName('cm_plan_src');
const project = 'cm_plan';
const ROWS = 2_000;
let stack: Stack;

const body = (destination_config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'plan',
  source_type: 'SINGLESTORE',
  source_config: { table: src },
  destination_type: 'POSTGRES',
  destination_config,
  options: { chunk_rows: 500 },
  ...extra,
});

async function sourceChecksum(): Promise<string> {
  const db = await mariadb();
  try {
    const [r] = await db.query(`CHECKSUM TABLE \`${src}\``);
    return String((r as Array<{ Checksum: unknown }>)[0].Checksum);
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  const db = await mariadb();
  await db.query(
    `CREATE TABLE \`${src}\` (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, secret VARCHAR(30), price DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL)`,
  );
  await db.query(`INSERT INTO \`${src}\` VALUES ?`, [
    Array.from({ length: ROWS }, (_, i) => [i + 1, `n${i + 1}`, 's', `${i}.25`, '2024-05-06 07:08:09']),
  ]);
  await db.query(`ANALYZE TABLE \`${src}\``);
  await db.end();
  stack = await startStack({ project });
  await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${src}\``);
  await db.end();
});

describe('POST /api/migrations/plan', () => {
  it('answers the DDL, the column mapping, the chunk plan and the warnings, and writes nothing', { timeout: 60_000 }, async () => {
    const dest = uniqueName('cm_plan_pg');
    await withPostgres([dest], async (pg) => {
      const before = await sourceChecksum();
      const columns = { name: { name: 'full_name' }, secret: { skip: true }, price: { cast: 'text' }, created: { cast: 'date', name: 'created_on' } };
      const res = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: dest, columns }));
      expect(res.status).toBe(200);
      const plan = res.body;
      expect(plan.source).toMatchObject({ type: 'SINGLESTORE', table: src, query: false, key: ['id'] });
      expect(plan.destination).toMatchObject({ type: 'POSTGRES', target: `public.${dest}`, status: 'create', mismatches: [] });
      expect(plan.destination.ddl).toEqual([
        `CREATE TABLE "public"."${dest}" (\n  "id" integer NOT NULL,\n  "full_name" character varying(30) NOT NULL,\n  "price" text NOT NULL,\n  "created_on" date NOT NULL\n)`,
        `COMMENT ON TABLE "public"."${dest}" IS 'epic-shelter: primary key ("id") pending'`,
        `-- after the copy: ALTER TABLE "public"."${dest}" ADD PRIMARY KEY ("id")`,
      ]);
      expect(plan.columns).toEqual([
        { source_name: 'id', source_type: 'int(11)', destination_name: 'id', destination_type: 'integer', cast: null, skipped: false, key: true, warnings: [] },
        { source_name: 'name', source_type: 'varchar(30)', destination_name: 'full_name', destination_type: 'character varying(30)', cast: null, skipped: false, key: false, warnings: [] },
        { source_name: 'secret', source_type: 'varchar(30)', destination_name: null, destination_type: null, cast: null, skipped: true, key: false, warnings: [] },
        { source_name: 'price', source_type: 'decimal(10,2)', destination_name: 'price', destination_type: 'text', cast: 'text', skipped: false, key: false, warnings: [] },
        {
          source_name: 'created',
          source_type: 'datetime',
          destination_name: 'created_on',
          destination_type: 'date',
          cast: 'date',
          skipped: false,
          key: false,
          warnings: ['column created (datetime) cast to date: the time of day is dropped'],
        },
      ]);
      // From the statistics: quick, possibly not the exact count, and the chunks follow it.
      expect(plan.rows_from).toBe('statistics');
      expect(plan.rows_estimate).toBeGreaterThan(ROWS / 2);
      expect(plan.rows_estimate).toBeLessThan(ROWS * 2);
      expect(plan.chunks.chunk_rows).toBe(500);
      expect(plan.chunks.count).toBe(Math.ceil(plan.rows_estimate / 500));
      expect(plan.chunks.ranges).toHaveLength(plan.chunks.count);
      expect(plan.chunks.ranges[0].after).toBeNull();
      expect(plan.chunks.ranges.at(-1).up_to).toBeNull();
      for (let i = 1; i < plan.chunks.ranges.length; i++) expect(plan.chunks.ranges[i].after).toEqual(plan.chunks.ranges[i - 1].up_to);
      expect(plan.copy_path).toBe('rows');
      expect(plan.warnings).toEqual([
        'column created (datetime) cast to date: the time of day is dropped',
        'rows decoded in the worker (slower path): cast created → date converted in the worker',
      ]);

      // Nothing written: no table, no migration, the source as it was.
      expect((await pg.query('SELECT to_regclass($1) AS t', [`public.${dest}`])).rows[0].t).toBeNull();
      expect(await sourceChecksum()).toBe(before);
      const list = await api(stack.app, 'GET', '/api/migrations');
      expect(list.body.migrations).toEqual([]);
    });
  });

  it('keeps the packed path when no cast needs converting', { timeout: 60_000 }, async () => {
    const res = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: uniqueName('cm_plan_pg'), columns: { price: { cast: 'text' } } }));
    expect(res.status).toBe(200);
    expect(res.body.copy_path).toBe('packed');
    expect(res.body.warnings).toEqual([]);
  });

  it('says whether an existing table fits, as setup would find it', { timeout: 60_000 }, async () => {
    const ok = uniqueName('cm_plan_pg_ok');
    const bad = uniqueName('cm_plan_pg_bad');
    await withPostgres([ok, bad], async (pg) => {
      await pg.query(`CREATE TABLE "${ok}" (id integer NOT NULL PRIMARY KEY, full_name varchar(30) NOT NULL, price numeric(10,2) NOT NULL, created timestamp(0) NOT NULL)`);
      await pg.query(`CREATE TABLE "${bad}" (id integer NOT NULL PRIMARY KEY, full_name integer, price numeric(10,2), created timestamp(0))`);
      const columns = { name: { name: 'full_name' }, secret: { skip: true } };
      const fits = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: ok, columns }));
      expect(fits.status).toBe(200);
      expect(fits.body.destination).toMatchObject({ status: 'exists, compatible', ddl: [], mismatches: [] });
      const misfit = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: bad, columns }));
      expect(misfit.status).toBe(200);
      expect(misfit.body.destination.status).toBe('exists, mismatch');
      expect(misfit.body.destination.mismatches).toEqual(['column full_name is integer, expected character varying(30)']);
      expect(Number((await pg.query(`SELECT count(*) AS n FROM "${bad}"`)).rows[0].n)).toBe(0);
    });
  });

  it('plans into Hydrolix as the Config API requests setup would make, creating nothing', { timeout: 60_000 }, async () => {
    const table = uniqueName('cm_plan_hdx');
    const res = await api(stack.app, 'POST', '/api/migrations/plan', {
      ...body({ table, columns: { secret: { skip: true }, name: { name: 'label' } } }),
      destination_type: 'HYDROLIX',
    });
    expect(res.status).toBe(200);
    expect(res.body.destination.status).toBe('create');
    expect(res.body.destination.ddl.map((s: string) => s.split(' ').slice(0, 2).join(' '))).toEqual(['create project', 'create table', 'create transform']);
    expect(res.body.destination.ddl[2]).toContain('"name":"label"');
    expect(res.body.destination.ddl[2]).not.toContain('secret');
    // The first NOT NULL datetime becomes the table's primary timestamp, as the transform has it.
    expect(res.body.columns.find((c: { source_name: string }) => c.source_name === 'created').destination_type).toBe(
      'datetime primary format "2006-01-02 15:04:05.999999" resolution s',
    );
    expect(res.body.columns.find((c: { source_name: string }) => c.source_name === 'name').destination_name).toBe('label');
    expect(res.body.copy_path).toBe('rows');
    expect(() => stack.emulator.state.rows(project, table)).toThrow();
  });

  it('refuses a bad body with 400 naming the field, and a mapping mistake with 422 naming the column', { timeout: 60_000 }, async () => {
    const noTable = await api(stack.app, 'POST', '/api/migrations/plan', body({ schema: 'public' }));
    expect(noTable.status).toBe(400);
    expect(noTable.body.fields.map((f: { path: string }) => f.path)).toContain('destination_config.table');

    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ nope: { skip: true } }, 'destination_config.columns.nope', /the source has no column nope/],
      [{ id: { skip: true } }, 'destination_config.columns.id', /id is a key column and cannot be skipped/],
      [{ name: { cast: 'integer' } }, 'destination_config.columns.name', /cannot be cast to integer: text values are not all integers/],
      [{ price: { cast: 'money' } }, 'destination_config.columns.price', /unsupported cast "money"/],
      [{ name: { name: 'price' } }, 'destination_config.columns.price', /both be written to the destination column price/],
    ];
    // A source check that names its field is passed on with it (a column of order_by that does not exist is no missing table).
    const orderBy = await api(stack.app, 'POST', '/api/migrations/plan', { ...body({ table: uniqueName('cm_plan_pg') }), source_config: { table: src, order_by: 'nope' } });
    expect(orderBy.status).toBe(422);
    expect(orderBy.body.fields).toEqual([{ path: 'source_config.order_by', message: expect.stringMatching(/names column `nope`, which does not exist/) }]);

    for (const [columns, field, message] of cases) {
      const res = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: uniqueName('cm_plan_pg'), columns }));
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(message);
      expect(res.body.fields).toEqual([{ path: field, message: res.body.error }]);
    }
  });

  it('plans an incremental window, counted, with a renamed cursor, and refuses skipping the cursor', { timeout: 60_000 }, async () => {
    const options = { mode: 'incremental', cursor_column: 'created', chunk_rows: 500 };
    const res = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: uniqueName('cm_plan_pg'), columns: { created: { name: 'changed_at' } } }, { options }));
    expect(res.status).toBe(200);
    expect(res.body.incremental).toEqual({ cursor_column: 'created', from: null, up_to: '2024-05-06 07:08:09' });
    // A window has no statistics: its rows are counted.
    expect(res.body).toMatchObject({ rows_from: 'count', rows_estimate: ROWS });
    expect(res.body.columns.find((c: { source_name: string }) => c.source_name === 'created').destination_name).toBe('changed_at');
    const skipped = await api(stack.app, 'POST', '/api/migrations/plan', body({ table: uniqueName('cm_plan_pg'), columns: { created: { skip: true } } }, { options }));
    expect(skipped.status).toBe(422);
    expect(skipped.body.fields).toEqual([{ path: 'destination_config.columns.created', message: expect.stringMatching(/created is the cursor column and cannot be skipped/) }]);
  });

  it('plans from a PostgreSQL source, chunks from its statistics', { timeout: 60_000 }, async () => {
    const from = uniqueName('cm_plan_pgsrc');
    const to = uniqueName('cm_plan_pgdst');
    await withPostgres([from, to], async (pg) => {
      await pg.query(`CREATE TABLE "${from}" (id bigint PRIMARY KEY, payload jsonb, note text)`);
      await pg.query(`INSERT INTO "${from}" SELECT g, '{"a":1}', 'x' FROM generate_series(1, 3000) g`);
      await pg.query(`ANALYZE "${from}"`);
      const res = await api(stack.app, 'POST', '/api/migrations/plan', {
        name: 'pg to pg',
        source_type: 'POSTGRES',
        source_config: { table: from },
        destination_type: 'POSTGRES',
        destination_config: { table: to, columns: { note: { skip: true }, payload: { name: 'doc' } } },
        options: { chunk_rows: 1_000 },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rows_from: 'statistics', rows_estimate: 3000, copy_path: 'rows' });
      expect(res.body.chunks.ranges).toEqual([
        { after: null, up_to: ['1000'] },
        { after: ['1000'], up_to: ['2000'] },
        { after: ['2000'], up_to: null },
      ]);
      expect(res.body.destination.ddl[0]).toBe(`CREATE TABLE "public"."${to}" (\n  "id" bigint NOT NULL,\n  "doc" jsonb\n)`);
      expect((await pg.query('SELECT to_regclass($1) AS t', [`public.${to}`])).rows[0].t).toBeNull();
    });
  });

  it('names a missing source table without the database\'s own error text', { timeout: 60_000 }, async () => {
    const res = await api(stack.app, 'POST', '/api/migrations/plan', { ...body({ table: uniqueName('cm_plan_pg') }), source_config: { table: 'cm_no_such_table' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'migration plan (SINGLESTORE → POSTGRES): table not found' });
  });
});
