/**
 * The bench's yardsticks must be right before their times mean anything: each shape seeds
 * deterministically and only once, the pipe (`mariadb --batch | psql COPY`) lands every value of
 * every shape exactly (bytes, BIT, doubles, TIMESTAMP, TIME, JSON, multibyte text), and the report
 * judges each ratio against its shape's target.
 */
import { afterAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import '../../connectors';
import { createSource } from '../../connectors';
import type { Column, DestinationConnector, SourceConnector, TableSchema } from '../../connectors/types';
import { SHAPES, type Shape } from '../../scripts/lib/bench-shapes';
import { ensureShape, shapeSignature } from '../../scripts/lib/bench-seed';
import { countPg, hasPgloader, pgColumnTypes, preparePgloader, preparePipe, psql, runPgloader, runPipe } from '../../scripts/lib/bench-contenders';
import { copyPath } from '../../scripts/lib/bench-path';
import { SLOW_PATH_WARNING } from '../../activities/text-path';
import { formatShapeTable, median, type ShapeResult } from '../../scripts/lib/bench-report';
import { MARIADB_URL } from '../support/mariadb';
import { TEST_PG_URL } from '../support/postgres';

const ROWS = 300;
const shapes: Shape[] = SHAPES.map((s) => ({ ...s, table: `bt_${s.id}` }));
const mysqlDb = new URL(MARIADB_URL).pathname.slice(1);
const pgDb = new URL(TEST_PG_URL).pathname.slice(1);
const dest = (s: Shape) => `bt_pipe_${s.id}`;

/** Per column, a text form both databases can print for the same value. */
function myExpr(c: Column): string {
  const id = `\`${c.name}\``;
  switch (c.type.kind) {
    case 'binary':
      return `LOWER(HEX(${id}))`;
    case 'bit':
      return `CAST(${id} AS UNSIGNED)`;
    case 'float':
      return `CAST(${id} AS CHAR)`;
    case 'datetime':
      return c.type.utc ? `UNIX_TIMESTAMP(${id})` : `DATE_FORMAT(${id}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'time':
      return `TIME_TO_SEC(${id})`;
    default:
      return `CAST(${id} AS CHAR)`;
  }
}
function pgExpr(c: Column): string {
  const id = `"${c.name}"`;
  switch (c.type.kind) {
    case 'binary':
      return `encode(${id}, 'hex')`;
    case 'boolean':
      return `(${id}::int)::text`;
    case 'datetime':
      return c.type.utc ? `extract(epoch from ${id})::bigint::text` : `to_char(${id}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'time':
      return `extract(epoch from ${id})::bigint::text`;
    default:
      return `${id}::text`;
  }
}
/** Numbers compare as numbers (MariaDB and PostgreSQL spell doubles differently), JSON as parsed JSON. */
function normal(c: Column, v: unknown): unknown {
  if (v === null) return null;
  if (c.type.kind === 'float' || c.type.kind === 'decimal') return Number(v);
  if (c.type.kind === 'json') return JSON.parse(String(v));
  return String(v);
}

afterAll(async () => {
  const my = await mysql.createConnection({ uri: MARIADB_URL });
  for (const s of shapes) await my.query(`DROP TABLE IF EXISTS \`${s.table}\``);
  await my.end();
  const pg = new PgClient({ connectionString: TEST_PG_URL });
  await pg.connect();
  for (const s of shapes) await pg.query(`DROP TABLE IF EXISTS "${dest(s)}"`);
  await pg.end();
});

describe('bench shapes and the pipe', () => {
  it('seeds once: the same shape and rows are kept, other rows are seeded again', async () => {
    const s = shapes[0];
    await ensureShape(MARIADB_URL, s, 50, () => undefined);
    expect(await ensureShape(MARIADB_URL, s, 50, () => undefined)).toBe(false);
    expect(shapeSignature(s, 50)).not.toBe(shapeSignature(s, 51));
    expect(await ensureShape(MARIADB_URL, s, 51, () => undefined)).toBe(true);
  });

  for (const shape of shapes) {
    it(`pipe loads every value of ${shape.id} exactly`, async () => {
      await ensureShape(MARIADB_URL, shape, ROWS, () => undefined);
      const src = createSource('SINGLESTORE', { SINGLESTORE_URL: MARIADB_URL });
      let schema: TableSchema;
      try {
        schema = await src.getSchema({ table: shape.table });
      } finally {
        await src.disconnect();
      }
      preparePipe({ mysqlDb, pgDb }, schema, dest(shape));
      runPipe({ mysqlDb, pgDb }, schema, shape.table, dest(shape));
      expect(countPg(pgDb, dest(shape))).toBe(ROWS);

      const my = await mysql.createConnection({ uri: MARIADB_URL, charset: 'utf8mb4', timezone: 'Z' });
      const pg = new PgClient({ connectionString: TEST_PG_URL });
      await pg.connect();
      try {
        await my.query(`SET time_zone = '+00:00'`);
        const [myRows] = await my.query({ sql: `SELECT ${schema.columns.map(myExpr).join(', ')} FROM \`${shape.table}\``, rowsAsArray: true });
        const pgRes = await pg.query({ text: `SELECT ${schema.columns.map(pgExpr).join(', ')} FROM "${dest(shape)}"`, rowMode: 'array' });
        const keyIdx = shape.key.map((k) => schema.columns.findIndex((c) => c.name === k));
        const byKey = (rows: unknown[][]) => new Map(rows.map((r) => [keyIdx.map((i) => String(r[i])).join('\u0000'), r]));
        const want = byKey(myRows as unknown[][]);
        const got = byKey(pgRes.rows as unknown[][]);
        expect(got.size).toBe(ROWS);
        for (const [key, w] of want) {
          const g = got.get(key);
          expect(g, `row ${key}`).toBeDefined();
          schema.columns.forEach((c, i) => expect(normal(c, g![i]), `${shape.id} ${key} ${c.name}`).toEqual(normal(c, w[i])));
        }
      } finally {
        await my.end();
        await pg.end();
      }
    });
  }
});

describe('pgloader', () => {
  // pgloader is a yardstick, not a dependency: machines without it skip the bench's pgloader runs too.
  it.skipIf(!hasPgloader())('loads every row of the wide shape, JSON as jsonb like the others', async () => {
    const shape = shapes.find((s) => s.id === 'wide')!;
    await ensureShape(MARIADB_URL, shape, ROWS, () => undefined);
    const src = createSource('SINGLESTORE', { SINGLESTORE_URL: MARIADB_URL });
    const schema = await src.getSchema({ table: shape.table }).finally(() => src.disconnect());
    const db = 'es_bench_tools_pgloader'; // not the bench's own database: a bench may be running
    preparePgloader(db);
    try {
      runPgloader({ mysqlDb, pgDb }, schema, shape.table, db);
      expect(countPg(db, shape.table)).toBe(ROWS);
      const types = pgColumnTypes(db, shape.table);
      expect(types.get('doc_0')).toBe('jsonb');
      expect(types.get('bin_0')).toBe('bytea');
    } finally {
      psql('test', `DROP DATABASE IF EXISTS ${db}`);
    }
  });
});

describe('copy path', () => {
  const schema: TableSchema = { name: 't', columns: [], key: ['id'], keySource: 'primary' };
  const src = { readText: () => undefined, canReadText: async () => true } as unknown as SourceConnector;
  it('takes the reason from the run’s warning when there is one', async () => {
    const dst = { writeText: () => undefined, acceptsText: async () => true } as unknown as DestinationConnector;
    expect(await copyPath(src, {}, dst, { table: 't' }, schema, [`${SLOW_PATH_WARNING}: column b is bytea`])).toBe('decoded: column b is bytea');
    expect(await copyPath(src, {}, dst, { table: 't' }, schema, [])).toBe('packed');
  });
  it('asks the connector that refuses packed rows why', async () => {
    const dst = {
      writeText: () => undefined,
      acceptsText: async () => false,
      textPathBlocker: async () => 'column flag is boolean',
    } as unknown as DestinationConnector;
    expect(await copyPath(src, {}, dst, { table: 't' }, schema, [])).toBe('decoded: column flag is boolean');
  });
});

describe('report', () => {
  const result = (shape: string, es: number): ShapeResult => ({
    shape,
    describe: '',
    rows: 1000,
    pipe: [10, 12, 11],
    pgloader: [20, 20, 20],
    es: [es, es, es],
    esWorkerCpu: [0.5],
    esPhases: [
      { setup: 2, plan: 1.8, copy: 3, finish: 0.9, total: 6 },
      { setup: 1, plan: 0.6, copy: 4, finish: 0.7, total: 6 },
      { setup: 1, copy: 5, finish: 0.8, total: 6 },
    ],
    peakRssMiB: 200,
    path: 'packed',
    failures: [],
  });
  it('uses the medians and each shape’s own targets', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // 9 s: 0.45 × pgloader, 0.82 × the pipe — within the other shapes' targets, not sales'.
    const table = formatShapeTable([result('sales', 9), result('wide', 9)]).split('\n');
    expect(table[2]).toContain('0.45 (≤ 0.40 **missed**)');
    expect(table[2]).toContain('0.82 (≤ 0.85 met)');
    expect(table[3]).toContain('0.45 (≤ 0.50 met)');
    expect(table[3]).toContain('| 500.00 / – |');
  });
  it('prints the median planning, copy and key-build times', () => {
    const row = formatShapeTable([result('text', 9)]).split('\n')[2];
    // planning: the median of the runs whose history had it (1.8 and 0.6)
    expect(row).toContain('| 1.20 | 4.00 | 0.80 |');
  });
});
