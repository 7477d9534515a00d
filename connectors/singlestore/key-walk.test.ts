/** The one-pass planner against MariaDB: the same boundaries a per-boundary OFFSET walk finds, an exact tally, the copy's order. */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyTuple, Row, SourceSpec, TableSchema } from '../types';
import { SingleStoreSource } from './index';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
const name = () => `es_walk_${randomBytes(5).toString('hex')}`;

let admin: Connection;
let src: SingleStoreSource;
const created: string[] = [];

/** Boundaries as planning found them before: ORDER BY key LIMIT 1 OFFSET n-1 after the previous one. */
async function offsetWalk(spec: SourceSpec, schema: TableSchema, n: number): Promise<KeyTuple[]> {
  const out: KeyTuple[] = [];
  let after: KeyTuple | null = null;
  for (;;) {
    let first: Row | undefined;
    for await (const b of src.readData(spec, schema, { after, upTo: null }, { batchRows: n })) {
      if (b.length === n) first = b[n - 1];
      break;
    }
    if (!first) return out;
    after = schema.key.map((k) => first![schema.columns.findIndex((c) => c.name === k)]) as KeyTuple;
    out.push(after);
  }
}

async function readChunks(spec: SourceSpec, schema: TableSchema, bounds: KeyTuple[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, after] of [null, ...bounds].entries()) {
    for await (const b of src.readData(spec, schema, { after, upTo: bounds[i] ?? null }, { batchRows: 7 })) rows.push(...b);
  }
  return rows;
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, charset: 'utf8mb4' });
  src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: URL }, undefined, { warn: () => {} });
});

afterAll(async () => {
  for (const t of created) await admin.query(`DROP TABLE IF EXISTS \`${t}\``);
  await src?.disconnect();
  await admin?.end();
});

describe('walkKeys (MariaDB)', () => {
  let t: string;
  let schema: TableSchema;
  const tenants = ['a', 'B', 'c', 'É', 'f', 'Y', 'ñ', 'ž'];
  let all: Row[];
  beforeAll(async () => {
    t = name();
    created.push(t);
    // Case- and accent-insensitive collation: 'B' sorts between 'a' and 'c', 'É' before 'f', 'ž' after 'Y', as the copy's pages do.
    await admin.query(
      `CREATE TABLE \`${t}\` (tenant VARCHAR(20) NOT NULL, doc_id INT NOT NULL, v INT NOT NULL, PRIMARY KEY (tenant, doc_id)) CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
    );
    const vals: unknown[][] = [];
    tenants.forEach((tn, i) => {
      for (let d = 0; d < 13; d++) vals.push([tn, d * 3 - 10, i * 100 + d]);
    });
    await admin.query(`INSERT INTO \`${t}\` VALUES ?`, [vals]);
    schema = await src.getSchema({ table: t });
    all = await readChunks({ table: t }, schema, []);
  });

  it('finds the boundaries the OFFSET walk finds, with the exact count, in the copy order', async () => {
    expect(schema.key).toEqual(['tenant', 'doc_id']);
    for (const every of [1, 5, 13, 26, 104, 500]) {
      const walked = await src.walkKeys({ table: t }, schema, every, 5000);
      expect(walked.tally).toEqual({ rows: 104, keySum: null });
      expect(walked.every).toBe(every);
      const offs = await offsetWalk({ table: t }, schema, every);
      // The OFFSET walk also returns a boundary on the last row, which planning drops.
      if (offs.length * every === 104) offs.pop();
      expect(walked.boundaries, `every ${every}`).toEqual(offs);
      expect(await readChunks({ table: t }, schema, walked.boundaries)).toEqual(all);
    }
  });

  it('halves the boundaries (doubling the spacing) past maxChunks', async () => {
    const walked = await src.walkKeys({ table: t }, schema, 5, 6);
    expect(walked.every).toBe(20);
    expect(walked.boundaries).toEqual(await offsetWalk({ table: t }, schema, 20));
    expect(walked.boundaries.length + 1).toBeLessThanOrEqual(6);
    expect(await readChunks({ table: t }, schema, walked.boundaries)).toEqual(all);
  });

  it('walks a windowed row set', async () => {
    const spec: SourceSpec = { table: t, window: { column: 'v', after: 150, from: null, upTo: 520 } };
    const walked = await src.walkKeys(spec, schema, 10, 5000);
    const inWindow = all.filter((r) => Number(r[2]) > 150 && Number(r[2]) <= 520);
    expect(walked.tally.rows).toBe(inWindow.length);
    expect(walked.boundaries).toEqual(await offsetWalk(spec, schema, 10));
    expect(await readChunks(spec, schema, walked.boundaries)).toEqual(inWindow);
    expect(await src.estimateRows(spec)).toBeNull(); // a window has no statistics of its own
  });

  it('sums a sparse single integer key exactly (BIGINT values past 2^53)', async () => {
    const u = name();
    created.push(u);
    await admin.query(`CREATE TABLE \`${u}\` (id BIGINT PRIMARY KEY, x INT)`);
    const ids = [-9000000000000000000n, -5n, 0n, 7n, 9007199254740993n, 9000000000000000000n, 9100000000000000000n];
    await admin.query(`INSERT INTO \`${u}\` VALUES ${ids.map((i) => `(${i}, 1)`).join(', ')}`);
    const s = await src.getSchema({ table: u });
    const walked = await src.walkKeys({ table: u }, s, 3, 5000);
    expect(walked.tally).toEqual({ rows: 7, keySum: ids.reduce((a, b) => a + b, 0n).toString() });
    expect(walked.tally).toEqual(await src.tally({ table: u }, s));
    expect(walked.boundaries).toEqual([['0'], ['9000000000000000000']]);
  });

  it('estimates a table from its statistics', async () => {
    const n = await src.estimateRows({ table: t });
    expect(n).not.toBeNull();
    expect(n!).toBeGreaterThan(0);
  });
});
