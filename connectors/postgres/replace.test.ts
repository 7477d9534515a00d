/**
 * `replace` through a staging table against a real PostgreSQL: the old table stays whole until
 * finishTable swaps the new rows in (one transaction); a failed run leaves it intact; a retry
 * resumes into the staging table; another migration's staging table is never swapped in.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DestinationSpec, Row, TableSchema } from '../types';
import { stagingTableName } from '../../api/migration-input';
import { PostgresDestination } from './index';
import { readConfig } from './config';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema: TableSchema = {
  name: 'replace',
  columns: [
    { name: 'id', type: { kind: 'int', bits: 64, unsigned: false }, nullable: false, sourceType: 'bigint' },
    { name: 'v', type: { kind: 'string', maxLength: 16 }, nullable: true, sourceType: 'varchar(16)' },
  ],
  key: ['id'],
  keySource: 'primary',
};
const rows = (from: number, n: number, v: string): Row[] => Array.from({ length: n }, (_, i) => [String(from + i), v]);

let admin: pg.Client;
let dst: PostgresDestination;
const drop: string[] = [];
const names = () => {
  const table = `es_rp_${randomBytes(4).toString('hex')}`;
  const migration = `mig-${randomBytes(4).toString('hex')}`;
  const staging = stagingTableName(migration);
  drop.push(table, staging);
  const spec: DestinationSpec = { table, options: { write_mode: 'replace', staging_table: staging } };
  return { table, staging, spec };
};
const count = async (t: string) => Number((await admin.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
const exists = async (t: string) => (await admin.query(`SELECT to_regclass($1) AS r`, [`"${t}"`])).rows[0].r !== null;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  dst = new PostgresDestination(readConfig({ POSTGRES_URL: PG_URL }));
});
afterAll(async () => {
  for (const t of drop) await admin.query(`DROP TABLE IF EXISTS "${t}"`);
  await admin.end();
  await dst.disconnect();
});

it('keeps the old table whole until the finish, then swaps the new rows in with their key', async () => {
  const { table, staging, spec } = names();
  // An earlier run's table (ours).
  const first = { table, options: { write_mode: 'append' } };
  await dst.createTable(first, schema);
  await dst.writeData(first, schema, rows(1, 10, 'old'));
  await dst.finishTable(first, schema);

  const res = await dst.createTable(spec, schema);
  expect(res).toMatchObject({ target: `public.${table}`, created: true });
  await dst.writeData(spec, schema, rows(1, 3, 'new'));
  // Mid-copy: readers still see the old rows; the run's rows are in its staging table.
  expect(await count(table)).toBe(10);
  expect(await count(staging)).toBe(3);
  expect((await dst.landedRows(spec, schema, { after: null, upTo: null })).rows).toBe(3);
  // A retry of the copy resumes into the staging table.
  await dst.writeData(spec, schema, rows(4, 2, 'new'));

  const done = await dst.finishTable(spec, schema, { tally: true });
  expect(done.tally).toMatchObject({ rows: 5 });
  expect(done.notes).toContain(`replaced public.${table} with the rows of this run`);
  expect(await exists(staging)).toBe(false);
  expect((await admin.query(`SELECT count(*)::int AS n, min(v) AS v FROM "${table}"`)).rows[0]).toEqual({ n: 5, v: 'new' });
  const pk = await admin.query(`SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [`"${table}"`]);
  expect(pk.rows).toEqual([{ conname: `${table}_pkey` }]);
  // A second finish (a retried attempt) changes nothing; counts read the swapped-in table.
  expect((await dst.finishTable(spec, schema)).notes).toEqual([]);
  expect(await dst.countRows(spec)).toBe(5);
});

it('a run that never finishes leaves the old table intact; a new run of another migration starts its own staging table', async () => {
  const { table, staging, spec } = names();
  await admin.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, v varchar(16))`);
  await admin.query(`INSERT INTO "${table}" VALUES (1, 'mine')`);
  // Not ours: refused without overwrite_existing, before anything is created.
  await expect(dst.createTable(spec, schema)).rejects.toThrow(/not created by Epic Shelter.*overwrite_existing/);
  expect(await exists(staging)).toBe(false);

  const allowed = { ...spec, options: { ...spec.options, overwrite_existing: 'true' } };
  await dst.createTable(allowed, schema);
  await dst.writeData(allowed, schema, rows(1, 4, 'partial'));
  // The run fails here (never finishes): the old table is as it was.
  expect((await admin.query(`SELECT id::int, v FROM "${table}"`)).rows).toEqual([{ id: 1, v: 'mine' }]);

  // Another migration into the same table: its own staging table; the abandoned one is not swapped in.
  const other = names();
  drop.push(other.table);
  const second = { table, options: { write_mode: 'replace', staging_table: other.staging, overwrite_existing: 'true' } };
  await dst.createTable(second, schema);
  await dst.writeData(second, schema, rows(1, 2, 'second'));
  await dst.finishTable(second, schema);
  expect((await admin.query(`SELECT count(*)::int AS n, min(v) AS v FROM "${table}"`)).rows[0]).toEqual({ n: 2, v: 'second' });
  expect(await count(staging)).toBe(4);
});
