/** planChunks on a key that is not one integer: one pass gives exact count and boundaries; the estimate only sizes chunks. */
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupActivities } from '../../activities/setup';
import type { ConnectorCache } from '../../activities/connector-cache';
import { SingleStoreSource } from '../../connectors/singlestore';
import type { KeyTuple, Row, TableSchema } from '../../connectors/types';
import type { ChunkPlan } from '../../workflows/types';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
const t = `es_plan_${randomBytes(5).toString('hex')}`;
const ROWS = 2_345;

let admin: Connection;
let src: SingleStoreSource;
let estimate: number | null = null;

function activities() {
  const wrapped = Object.assign(Object.create(src), { estimateRows: async () => estimate });
  return setupActivities({ source: async () => wrapped } as unknown as ConnectorCache);
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, charset: 'utf8mb4' });
  src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: URL }, undefined, { warn: () => {} });
  await admin.query(`CREATE TABLE \`${t}\` (tenant VARCHAR(8) NOT NULL, doc_id INT NOT NULL, PRIMARY KEY (tenant, doc_id)) COLLATE=utf8mb4_general_ci`);
  const vals = Array.from({ length: ROWS }, (_, i) => [['a', 'B', 'c', 'D'][i % 4], i]);
  await admin.query(`INSERT INTO \`${t}\` VALUES ?`, [vals]);
});

afterAll(async () => {
  await admin?.query(`DROP TABLE IF EXISTS \`${t}\``);
  await src?.disconnect();
  await admin?.end();
});

async function plan(chunkRows: number | undefined, est: number | null) {
  estimate = est;
  const source = { type: 'SINGLESTORE', spec: { table: t } };
  const schema: TableSchema = await src.getSchema({ table: t });
  const p: ChunkPlan = await new MockActivityEnvironment().run(activities().planChunks, { source, schema, chunkRows, parallelism: 2 } as never);
  return { p, schema };
}

async function chunkSizes(schema: TableSchema, bounds: KeyTuple[]): Promise<number[]> {
  const out: number[] = [];
  for (const [i, after] of [null, ...bounds].entries()) out.push(await src.countRows({ table: t }, schema, { after, upTo: bounds[i] ?? null }));
  return out;
}

describe('planChunks (walked key)', () => {
  it('counts exactly and cuts every chunk_rows rows, whatever the estimate', async () => {
    for (const est of [ROWS, 10]) {
      const { p, schema } = await plan(500, est);
      expect(p.rowsTotal).toBe(ROWS);
      expect(p.tally).toEqual({ rows: ROWS, keySum: null });
      expect(await chunkSizes(schema, p.boundaries)).toEqual([500, 500, 500, 500, 345]);
    }
    // An estimate of 10M rows raises the size to 10M / MAX_CHUNKS: bigger chunks, same rows, exact count.
    const { p, schema } = await plan(500, 10_000_000);
    expect(p.rowsTotal).toBe(ROWS);
    expect(await chunkSizes(schema, p.boundaries)).toEqual([2000, 345]);
  });

  it('an estimate that is off changes only the chunk size (MAX_CHUNKS bound) and never the rows covered', async () => {
    const { p, schema } = await plan(undefined, 100);
    expect(p.rowsTotal).toBe(ROWS);
    expect(p.boundaries).toEqual([]); // chunk size from the estimate (at least 50 000): one chunk
    const rows: Row[] = [];
    for await (const b of src.readData({ table: t }, schema, { after: null, upTo: null }, { batchRows: 1000 })) rows.push(...b);
    expect(rows).toHaveLength(ROWS);
  });

  it('no estimate (a query, a window): counted first, then walked, same result', async () => {
    const { p, schema } = await plan(500, null);
    expect(p.rowsTotal).toBe(ROWS);
    expect(await chunkSizes(schema, p.boundaries)).toEqual([500, 500, 500, 500, 345]);
  });
});
