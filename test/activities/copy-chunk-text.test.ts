/**
 * copyChunk MariaDB → PostgreSQL (MockActivityEnvironment, real databases): the packed row path is
 * the one taken when both ends speak it (booleans included), and a resumed chunk on it neither
 * loses nor duplicates rows.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../../connectors';
import { ConnectorCache, createActivities } from '../../activities';
import { seedSales } from '../../scripts/seed-sales';
import type { SourceConnector, TableSchema } from '../../connectors/types';
import type { CopyChunkInput } from '../../workflows/types';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = uniqueName('es_txtchunk');
const pgTables: string[] = [];
let connectors: ConnectorCache;
let activities: ReturnType<typeof createActivities>;
let admin: pg.Client;
let src: SourceConnector;
const calls = { readText: 0, readData: 0 };

beforeAll(async () => {
  await seedSales(MARIADB_URL, 5_000, table);
  const env = { SINGLESTORE_URL: MARIADB_URL, POSTGRES_URL: PG_URL };
  connectors = new ConnectorCache(env);
  activities = createActivities({ env, connectors });
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  // Count which read path copyChunk takes on the cached source instance.
  src = await connectors.source('SINGLESTORE');
  for (const m of ['readText', 'readData'] as const) {
    const orig = (src[m] as (...a: unknown[]) => unknown).bind(src);
    (src as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      calls[m]++;
      return orig(...a);
    };
  }
});

afterAll(async () => {
  for (const t of pgTables) await admin.query(`DROP TABLE IF EXISTS "${t}"`);
  await admin?.end();
  await connectors?.closeAll();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

async function chunk(options: Record<string, string> = {}): Promise<CopyChunkInput> {
  const dest = uniqueName('es_txtdst');
  pgTables.push(dest);
  const source = { type: 'SINGLESTORE', spec: { table } };
  const destination = { type: 'POSTGRES', spec: { table: dest, options: { write_mode: 'append', ...options } } };
  const schema: TableSchema = await new MockActivityEnvironment().run(activities.readSourceSchema, source);
  await new MockActivityEnvironment().run(activities.createDestinationTable, { destination, schema });
  return { chunkIndex: 0, range: { after: null, upTo: null }, source, destination, schema, batchRows: 700, mayHaveLanded: false };
}

async function landed(t: string): Promise<{ n: number; distinct: number; sum: string }> {
  const r = await admin.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct, sum(id)::text AS sum FROM "${t}"`);
  return r.rows[0];
}

it('copies through the text path when both ends speak it, and resumes on it without loss or duplicates', async () => {
  const input = await chunk();
  calls.readText = calls.readData = 0;
  // First attempt: only the first 2,100 keys (three batches), as if the worker died after them.
  const first = (await new MockActivityEnvironment().run(activities.copyChunk, { ...input, range: { after: null, upTo: ['2100'] } })) as { rows: number };
  expect(first.rows).toBe(2_100);
  expect(calls).toEqual({ readText: 1, readData: 0 });
  // The retry of the whole range has no heartbeat but may have landed rows: it asks PostgreSQL and
  // continues after key 2100.
  const retry = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.copyChunk, { ...input, mayHaveLanded: true })) as {
    rows: number;
    resumedRows: number;
  };
  expect(retry).toMatchObject({ rows: 5_000, resumedRows: 2_100 });
  expect(await landed(input.destination.spec.table)).toEqual({ n: 5_000, distinct: 5_000, sum: String((5_000 * 5_001) / 2) });
  expect(calls.readData).toBe(0);
});

it('takes the packed path into a PostgreSQL boolean column, and a TINYINT(1) holding 2 fails as on the row path', async () => {
  const db = await mariadb();
  const flagged = uniqueName('es_txtbool');
  await db.query(`CREATE TABLE \`${flagged}\` (id INT NOT NULL PRIMARY KEY, ok TINYINT(1) NOT NULL)`);
  await db.query(`INSERT INTO \`${flagged}\` VALUES (1, 1), (2, 0), (3, 1)`);
  try {
    const dest = uniqueName('es_txtbooldst');
    pgTables.push(dest);
    const source = { type: 'SINGLESTORE', spec: { table: flagged } };
    const destination = { type: 'POSTGRES', spec: { table: dest } };
    const schema: TableSchema = await new MockActivityEnvironment().run(activities.readSourceSchema, source);
    await new MockActivityEnvironment().run(activities.createDestinationTable, { destination, schema });
    calls.readText = calls.readData = 0;
    const input = { chunkIndex: 0, range: { after: null, upTo: null }, source, destination, schema, batchRows: 100, mayHaveLanded: false };
    const r = (await new MockActivityEnvironment().run(activities.copyChunk, input)) as { rows: number };
    expect(r.rows).toBe(3);
    expect(calls).toEqual({ readText: 1, readData: 0 });
    expect((await admin.query(`SELECT ok FROM "${dest}" ORDER BY id`)).rows.map((x) => x.ok)).toEqual([true, false, true]);
    await db.query(`INSERT INTO \`${flagged}\` VALUES (4, 2)`);
    await expect(new MockActivityEnvironment().run(activities.copyChunk, { ...input, range: { after: ['3'], upTo: null } })).rejects.toThrow(
      /column ok \(tinyint\(1\)\) of the row with id=4 holds 2, which a boolean column cannot store/,
    );
  } finally {
    await db.query(`DROP TABLE IF EXISTS \`${flagged}\``);
    await db.end();
  }
});
