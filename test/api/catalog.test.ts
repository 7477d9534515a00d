/**
 * The catalog routes on the real stack (Temporal dev server, worker, MariaDB, PostgreSQL): the
 * connectors with what the worker has configured, a source's tables with row estimates (named
 * connections included), a table's columns with the type each gets at a destination, and failures
 * that name their class and object but never the database's error text, host, user or password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { OpenAPIHono } from '@hono/zod-openapi';
import { catalogRouter } from '../../api/routes/catalog';
import { SchemaService } from '../../api/catalog-service';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { withPostgres } from '../support/postgres';
import { api, startStack, type Stack } from '../support/stack';

const prefix = uniqueName('cm_cat');
const tables = [`${prefix}_orders`, `${prefix}_users`];
const pgTable = `${prefix}_pg`;
// A named connection to the same server, and one whose server is not there (port 1), with a password to keep out of answers.
const DOWN_PASSWORD = 'Sup3r-Secret-Pw';
let stack: Stack;

beforeAll(async () => {
  const db = await mariadb();
  await db.query(`CREATE TABLE \`${tables[0]}\` (id BIGINT UNSIGNED PRIMARY KEY, total DECIMAL(12,2) NOT NULL, attrs JSON, placed DATETIME(3) NOT NULL)`);
  await db.query(`CREATE TABLE \`${tables[1]}\` (email VARCHAR(100) NOT NULL, name TEXT, UNIQUE KEY (email))`);
  await db.query(`INSERT INTO \`${tables[0]}\` VALUES ?`, [Array.from({ length: 300 }, (_, i) => [i + 1, '1.50', '{"a":1}', '2024-01-01 00:00:00.000'])]);
  await db.query(`ANALYZE TABLE \`${tables[0]}\``);
  await db.end();
  process.env.SINGLESTORE_URL_EU = MARIADB_URL;
  process.env.SINGLESTORE_URL_DOWN = `mysql://catalog_user:${DOWN_PASSWORD}@127.0.0.1:1/test`;
  try {
    stack = await startStack({ project: 'cm_cat' });
  } finally {
    delete process.env.SINGLESTORE_URL_EU;
    delete process.env.SINGLESTORE_URL_DOWN;
  }
  await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS \`${t}\``);
  await db.end();
});

describe('GET /api/connectors', () => {
  it('lists every connector with its roles, capabilities, config schemas and what the worker has configured', { timeout: 30_000 }, async () => {
    const res = await api(stack.app, 'GET', '/api/connectors');
    expect(res.status).toBe(200);
    expect(res.body.worker_answered).toBe(true);
    const byType = Object.fromEntries(res.body.connectors.map((c: { type: string }) => [c.type, c]));
    expect(Object.keys(byType).sort()).toEqual(['HYDROLIX', 'POSTGRES', 'SINGLESTORE']);
    expect(byType.SINGLESTORE.roles).toEqual(['source']);
    expect(byType.HYDROLIX.roles).toEqual(['destination']);
    expect(byType.POSTGRES.roles).toEqual(['source', 'destination']);
    expect(byType.SINGLESTORE.worker).toEqual({ source: { configured: true, connections: ['down', 'eu'] } });
    expect(byType.POSTGRES.capabilities.destination).toEqual({ write_modes: ['append', 'upsert', 'replace'], upsert_in_place: true, atomic_replace: true, column_mapping: true });
    expect(byType.HYDROLIX.capabilities.destination.upsert_in_place).toBe(false);
    expect(byType.POSTGRES.config_schemas.destination.properties).toHaveProperty('columns');
    expect(byType.POSTGRES.config_schemas.destination.required).toContain('table');
    expect(byType.POSTGRES.casts).toEqual(expect.arrayContaining(['text', 'bigint', 'numeric(p,s)', 'timestamptz', 'jsonb', 'bytea']));
    expect(byType.HYDROLIX.casts).toEqual(expect.arrayContaining(['string', 'int64', 'double', 'datetime']));
    expect(byType.SINGLESTORE.casts).toBeNull();
  });

  it('answers from the definitions alone when no worker answers', { timeout: 30_000 }, async () => {
    const app = new OpenAPIHono();
    const quiet = new SchemaService(stack.temporal.client as Client, `${stack.taskQueue}-nobody`, { connectorsTimeoutMs: 1_000 });
    app.route('/api', catalogRouter({ client: stack.temporal.client as Client, taskQueue: `${stack.taskQueue}-nobody`, service: quiet }));
    const started = Date.now();
    const res = await app.request('/api/connectors');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { worker_answered: boolean; connectors: Array<{ worker: unknown }> };
    expect(body.worker_answered).toBe(false);
    expect(body.connectors.every((c) => c.worker === null)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('GET /api/sources/{type}/tables', () => {
  it('lists tables with row estimates, by search, in bounded pages', { timeout: 30_000 }, async () => {
    const res = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables?search=${prefix}`);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    expect(res.body.tables.map((t: { name: string }) => t.name)).toEqual(tables);
    const orders = res.body.tables[0];
    expect(orders.schema).toBe('test');
    expect(orders.rows_estimate).toBeGreaterThan(100);
    expect(orders.rows_estimate).toBeLessThan(1_000);

    const page = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables?search=${prefix.toUpperCase()}&limit=1`);
    expect(page.body).toMatchObject({ truncated: true, tables: [{ name: tables[0] }] });
  });

  it('reads through a named connection', { timeout: 30_000 }, async () => {
    const res = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables?connection=eu&search=${prefix}_users`);
    expect(res.status).toBe(200);
    expect(res.body.tables.map((t: { name: string }) => t.name)).toEqual([tables[1]]);
  });

  it('lists PostgreSQL tables with estimates from pg_class/pg_stat', { timeout: 30_000 }, async () => {
    await withPostgres([pgTable], async (pg) => {
      await pg.query(`CREATE TABLE "${pgTable}" (id int PRIMARY KEY, v text)`);
      await pg.query(`INSERT INTO "${pgTable}" SELECT g, 'x' FROM generate_series(1, 500) g`);
      await pg.query(`ANALYZE "${pgTable}"`);
      const res = await api(stack.app, 'GET', `/api/sources/POSTGRES/tables?schema=public&search=${pgTable}`);
      expect(res.status).toBe(200);
      expect(res.body.tables).toEqual([{ name: pgTable, schema: 'public', rows_estimate: 500 }]);
    });
  });

  it('refuses bad parameters and unknown sources, and names failures without leaking', { timeout: 60_000 }, async () => {
    expect((await api(stack.app, 'GET', '/api/sources/SINGLESTORE/tables?limit=100000')).status).toBe(400);
    expect((await api(stack.app, 'GET', '/api/sources/SINGLESTORE/tables?connection=a;b')).status).toBe(400);
    const unknown = await api(stack.app, 'GET', '/api/sources/HYDROLIX/tables');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no source connector HYDROLIX/);

    const missing = await api(stack.app, 'GET', '/api/sources/SINGLESTORE/tables?connection=nowhere');
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ error: 'the SINGLESTORE source (connection nowhere) is not configured on the worker' });

    const down = await api(stack.app, 'GET', '/api/sources/SINGLESTORE/tables?connection=down');
    expect(down.status).toBe(502);
    expect(down.body).toEqual({ error: "the SINGLESTORE source (connection down) cannot be reached or refused the worker's login" });
    const text = JSON.stringify(down.body);
    for (const secret of [DOWN_PASSWORD, 'catalog_user', '127.0.0.1', 'ECONNREFUSED']) expect(text).not.toContain(secret);
  });
});

describe('GET /api/sources/{type}/tables/{table}/columns', () => {
  it("describes a table's columns and the type each gets at the destination", { timeout: 30_000 }, async () => {
    const res = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables/${tables[0]}/columns?destination_type=POSTGRES`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      table: tables[0],
      key: ['id'],
      key_source: 'primary',
      destination_type: 'POSTGRES',
      columns: [
        { name: 'id', source_type: 'bigint(20) unsigned', nullable: false, key: true, destination_type: 'numeric(20,0)', warnings: [] },
        { name: 'total', source_type: 'decimal(12,2)', nullable: false, key: false, destination_type: 'numeric(12,2)', warnings: [] },
        {
          name: 'attrs',
          source_type: expect.stringMatching(/json|longtext/),
          nullable: true,
          key: false,
          destination_type: 'jsonb',
          warnings: ['column attrs becomes jsonb: whitespace and key order are normalised, duplicate keys keep the last'],
        },
        { name: 'placed', source_type: 'datetime(3)', nullable: false, key: false, destination_type: 'timestamp(3) without time zone', warnings: [] },
      ],
    });

    const hdx = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables/${tables[0]}/columns?destination_type=HYDROLIX&connection=eu`);
    expect(hdx.status).toBe(200);
    expect(hdx.body.columns.map((c: { destination_type: string }) => c.destination_type)).toEqual([
      'uint64',
      'string',
      'string',
      'datetime64 format "2006-01-02 15:04:05.999999" resolution ms',
    ]);
    expect(hdx.body.columns[1].warnings).toEqual(['total: decimal(12,2) stored as string (Hydrolix has no decimal type; exact text kept)']);

    const plain = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables/${tables[1]}/columns`);
    expect(plain.body).toMatchObject({ key: ['email'], key_source: 'unique', destination_type: null });
    expect(plain.body.columns.every((c: { destination_type: unknown }) => c.destination_type === null)).toBe(true);
  });

  it('answers 404 for a missing table and 400 for an unknown destination type', { timeout: 30_000 }, async () => {
    const missing = await api(stack.app, 'GET', '/api/sources/SINGLESTORE/tables/cm_no_such_table/columns');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'table cm_no_such_table of the SINGLESTORE source: table not found' });
    const bad = await api(stack.app, 'GET', `/api/sources/SINGLESTORE/tables/${tables[0]}/columns?destination_type=S3`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].path).toBe('destination_type');
  });
});
