/** The one-statement planner against PostgreSQL: the boundaries an OFFSET walk finds, an exact tally, the copy's order. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyTuple, Row, SourceSpec, TableSchema } from '../types';
import { readConfig } from './config';
import { PostgresSource } from './index';
import { openPool } from './pool';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = () => `es_walk_${randomBytes(5).toString('hex')}`;

let admin: pg.Pool;
let src: PostgresSource;
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
  admin = openPool(readConfig({ POSTGRES_URL: PG_URL }), false);
  src = PostgresSource.fromEnv({ POSTGRES_URL: PG_URL });
});

afterAll(async () => {
  for (const t of created) await admin.query(`DROP TABLE IF EXISTS "${t}"`);
  await src?.disconnect();
  await admin?.end();
});

describe('walkKeys (PostgreSQL)', () => {
  let t: string;
  let schema: TableSchema;
  let all: Row[];
  beforeAll(async () => {
    t = name();
    created.push(t);
    // A linguistic collation: 'B' sorts between 'a' and 'c', 'É' before 'f' (code-point order would differ).
    await admin.query(`CREATE TABLE "${t}" (tenant text COLLATE "und-x-icu" NOT NULL, doc_id int NOT NULL, v int NOT NULL, PRIMARY KEY (tenant, doc_id))`);
    await admin.query(
      `INSERT INTO "${t}" SELECT tn, d * 3 - 10, i * 100 + d FROM unnest($1::text[]) WITH ORDINALITY AS u(tn, i), generate_series(0, 12) AS d`,
      [['a', 'B', 'c', 'É', 'f', 'Y', 'ñ', 'ž']],
    );
    schema = await src.getSchema({ table: t });
    all = await readChunks({ table: t }, schema, []);
    expect(all.slice(0, 40).map((r) => r[0])).toEqual(['a', 'B', 'c', 'É', 'f'].flatMap((x) => Array(13).fill(x)).slice(0, 40));
  });

  it('finds the boundaries the OFFSET walk finds, with the exact count, in the copy order', async () => {
    expect(schema.key).toEqual(['tenant', 'doc_id']);
    for (const every of [1, 5, 13, 26, 104, 500]) {
      const walked = await src.walkKeys({ table: t }, schema, every, 5000);
      expect(walked.tally).toEqual({ rows: 104, keySum: null });
      expect(walked.every).toBe(every);
      const offs = await offsetWalk({ table: t }, schema, every);
      if (offs.length * every === 104) offs.pop(); // planning drops a boundary on the last row
      expect(walked.boundaries, `every ${every}`).toEqual(offs);
      expect(await readChunks({ table: t }, schema, walked.boundaries)).toEqual(all);
    }
  });

  it('halves the boundaries (doubling the spacing) past maxChunks', async () => {
    const walked = await src.walkKeys({ table: t }, schema, 5, 6);
    expect(walked.every).toBe(20);
    expect(walked.boundaries).toEqual(await offsetWalk({ table: t }, schema, 20));
    expect(await readChunks({ table: t }, schema, walked.boundaries)).toEqual(all);
  });

  it('walks a windowed row set (inclusive lower bound)', async () => {
    const spec: SourceSpec = { table: t, window: { column: 'v', after: null, from: '150', upTo: '520' } };
    const walked = await src.walkKeys(spec, schema, 10, 5000);
    const inWindow = all.filter((r) => Number(r[2]) >= 150 && Number(r[2]) <= 520);
    expect(walked.tally.rows).toBe(inWindow.length);
    expect(walked.boundaries).toEqual(await offsetWalk(spec, schema, 10));
    expect(await readChunks(spec, schema, walked.boundaries)).toEqual(inWindow);
    expect(await src.estimateRows(spec, schema)).not.toBeNull();
  });

  it('sums a single integer key exactly (bigint values past 2^53) and counts an empty set', async () => {
    const u = name();
    created.push(u);
    await admin.query(`CREATE TABLE "${u}" (id bigint PRIMARY KEY, x int)`);
    const ids = [-9000000000000000000n, -5n, 0n, 7n, 9007199254740993n, 9000000000000000000n, 9100000000000000000n];
    await admin.query(`INSERT INTO "${u}" SELECT unnest($1::bigint[]), 1`, [ids.map(String)]);
    const s = await src.getSchema({ table: u });
    const walked = await src.walkKeys({ table: u }, s, 3, 5000);
    expect(walked.tally).toEqual({ rows: 7, keySum: ids.reduce((a, b) => a + b, 0n).toString() });
    expect(walked.boundaries).toEqual([['0'], ['9000000000000000000']]);
    const empty = await src.walkKeys({ table: u, window: { column: 'x', after: '1', upTo: null } }, s, 3, 5000);
    expect(empty).toEqual({ tally: { rows: 0, keySum: '0' }, boundaries: [], every: 3 });
  });
});
