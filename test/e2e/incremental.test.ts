/**
 * Incremental mode: each run reads from the last run's high-water mark (inclusive) and copies
 * only rows that are new or changed: rows read again at the mark are skipped by fingerprint,
 * passed back as boundary_fingerprints. Three runs with inserts and updates in between leave
 * Hydrolix (append-only) holding every version once, and the documented LIMIT 1 BY query
 * returns exactly the source's rows.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client as PgClient } from 'pg';
import { mariadb, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { waitFor } from '../support/wait';
import { api, EMULATOR_USER, startStack, type Stack } from '../support/stack';

const table = uniqueName('es_incr');
const pgTable = uniqueName('es_incr_pg');
const project = 'incremental';
const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let stack: Stack;

beforeAll(async () => {
  const db = await mariadb();
  await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, val VARCHAR(40) NOT NULL)`);
  const rows = Array.from({ length: 1_000 }, (_, i) => [i + 1, `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}.000000`, `v1-${i + 1}`]);
  // Several rows share the greatest cursor value: the boundary must be copied once, not lost or repeated.
  rows.push([1001, '2024-01-01 00:01:00.000000', 'v1-1001'], [1002, '2024-01-01 00:01:00.000000', 'v1-1002']);
  await db.query(`INSERT INTO \`${table}\` VALUES ?`, [rows]);
  await db.end();
  stack = await startStack({ project });
  await stack.startInProcessWorker();
});

afterAll(async () => {
  await stack?.stop();
  const pg = new PgClient({ connectionString: PG_URL });
  await pg.connect();
  await pg.query(`DROP TABLE IF EXISTS "${pgTable}"`);
  await pg.end();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

interface Previous {
  high_water_mark: string | null;
  boundary_fingerprints: string | null;
}

async function run(previous: Previous | null, to: 'HYDROLIX' | 'POSTGRES' = 'HYDROLIX') {
  const mark = previous?.high_water_mark ?? null;
  const res = await api(stack.app, 'POST', '/api/migrations', {
    name: 'incremental',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: to,
    destination_config: to === 'HYDROLIX' ? { table: 'versions' } : { table: pgTable },
    options: {
      mode: 'incremental',
      cursor_column: 'updated_at',
      high_water_mark: mark,
      ...(previous?.boundary_fingerprints ? { boundary_fingerprints: previous.boundary_fingerprints } : {}),
      chunk_rows: 300,
    },
  });
  expect(res.status).toBe(201);
  return waitForStatus(stack, res.body.id, ['completed'], 120_000);
}

async function hdxQuery(sql: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${stack.emulator.url}/query`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${EMULATOR_USER.username}:${EMULATOR_USER.password}`).toString('base64')}` },
    body: `${sql} FORMAT JSON`,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

it('copies only new and changed rows, and the latest-version query matches the source', { timeout: 300_000 }, async () => {
  const db = await mariadb();
  try {
    const first = await run(null);
    expect(first.rows_copied).toBe(1_002);
    expect(first.high_water_mark).toBe('2024-01-01 00:01:00.000000');

    await db.query(`UPDATE \`${table}\` SET val = CONCAT('v2-', id), updated_at = '2024-01-02 00:00:00.000000' WHERE id <= 50`);
    await db.query(`INSERT INTO \`${table}\` VALUES (2001, '2024-01-02 00:00:00.000000', 'v1-2001'), (2002, '2024-01-02 00:00:01.000000', 'v1-2002')`);
    const second = await run(first);
    expect(second.rows_copied).toBe(52);
    expect(second.high_water_mark).toBe('2024-01-02 00:00:01.000000');

    await db.query(`UPDATE \`${table}\` SET val = CONCAT('v3-', id), updated_at = '2024-01-03 00:00:00.000000' WHERE id IN (1, 2001, 1001)`);
    const third = await run(second);
    expect(third.rows_copied).toBe(3);

    const fourth = await run(third); // nothing changed: nothing copied
    expect(fourth.rows_copied).toBe(0);
    expect(fourth.high_water_mark).toBe(third.high_water_mark);

    // Every version is kept: 1002 + 52 + 3 rows.
    expect(stack.emulator.state.rows(project, 'versions').rows.length).toBe(1_057);
    // The documented latest-version query returns exactly the source.
    const latest = await hdxQuery(`SELECT id, val FROM ${project}.versions ORDER BY id, updated_at DESC LIMIT 1 BY id`);
    const [source] = await db.query(`SELECT id, val FROM \`${table}\` ORDER BY id`);
    expect(latest.map((r) => [String(r.id), r.val])).toEqual((source as Array<{ id: number; val: string }>).map((r) => [String(r.id), r.val]));
  } finally {
    await db.end();
  }
});

it('keeps PostgreSQL equal to the source with upserts, no duplicates, over three runs', { timeout: 300_000 }, async () => {
  const db = await mariadb();
  const pg = new PgClient({ connectionString: PG_URL });
  await pg.connect();
  const same = async () => {
    const [src] = await db.query(`SELECT id, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS at, val FROM \`${table}\` ORDER BY id`);
    const dst = await pg.query(`SELECT id, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US') AS at, val FROM "${pgTable}" ORDER BY id`);
    expect(dst.rows.map((r) => [Number(r.id), r.at, r.val])).toEqual((src as Array<{ id: number; at: string; val: string }>).map((r) => [r.id, r.at, r.val]));
    const dup = await pg.query(`SELECT count(*) - count(DISTINCT id) AS d FROM "${pgTable}"`);
    expect(Number(dup.rows[0].d)).toBe(0);
  };
  try {
    const first = await run(null, 'POSTGRES');
    await same();
    await db.query(`UPDATE \`${table}\` SET val = CONCAT('pg2-', id), updated_at = '2024-02-01 00:00:00.000001' WHERE id BETWEEN 100 AND 120`);
    await db.query(`INSERT INTO \`${table}\` VALUES (3001, '2024-02-01 00:00:00.000001', 'new-3001')`);
    const second = await run(first, 'POSTGRES');
    expect(second.rows_copied).toBe(22);
    await same();
    await db.query(`UPDATE \`${table}\` SET val = 'pg3', updated_at = '2024-02-02 00:00:00.000000' WHERE id IN (100, 3001)`);
    const third = await run(second, 'POSTGRES');
    expect(third.rows_copied).toBe(2);
    await same();
    // A mark given without its fingerprints: the rows at the mark are read and delivered again
    // (upserted here; Hydrolix would keep a repeated version of each).
    const again = await run({ high_water_mark: third.high_water_mark, boundary_fingerprints: null }, 'POSTGRES');
    expect([again.rows_copied, again.rows_skipped]).toEqual([2, 0]);
    await same();
  } finally {
    await db.end();
    await pg.end();
  }
});

it('a scheduled incremental migration moves the schedule\'s high-water mark after each run', { timeout: 300_000 }, async () => {
  const db = await mariadb();
  const pg = new PgClient({ connectionString: PG_URL });
  await pg.connect();
  const pgSched = `${pgTable}_s`;
  try {
    const created = await api(stack.app, 'POST', '/api/schedules', {
      name: 'hourly incremental',
      spec: { interval: '1h' },
      paused: true, // only our triggers run it
      migration: {
        name: 'hourly incremental',
        source_type: 'SINGLESTORE',
        source_config: { table },
        destination_type: 'POSTGRES',
        destination_config: { table: pgSched },
        options: { mode: 'incremental', cursor_column: 'updated_at' },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const runOnce = async (runsBefore: number) => {
      expect((await api(stack.app, 'POST', `/api/schedules/${id}/trigger`)).status).toBe(202);
      return waitFor(
        async () => {
          const s = (await api(stack.app, 'GET', `/api/schedules/${id}`)).body;
          const runs = s.recent_runs as Array<{ migration_id: string; status: string }>;
          if (runs.length <= runsBefore || runs[0].status !== 'completed') return undefined;
          return { schedule: s, run: (await api(stack.app, 'GET', `/api/migrations/${runs[0].migration_id}`)).body };
        },
        120_000,
        'the triggered run',
        300,
      );
    };
    const [[maxRow]] = (await db.query(`SELECT DATE_FORMAT(MAX(updated_at), '%Y-%m-%d %H:%i:%s.%f') AS m, COUNT(*) AS n FROM \`${table}\``)) as any;
    const first = await runOnce(0);
    expect(first.run.rows_copied).toBe(Number(maxRow.n));
    expect(first.run.schedule_id).toBe(id);
    expect(first.schedule.high_water_mark).toBe(maxRow.m);

    await db.query(`UPDATE \`${table}\` SET val = 'sched', updated_at = '2024-03-01 00:00:00.000000' WHERE id IN (5, 6)`);
    const second = await runOnce(1);
    expect(second.run.rows_copied).toBe(2);
    expect(second.schedule.high_water_mark).toBe('2024-03-01 00:00:00.000000');
    const dst = await pg.query(`SELECT count(*) AS n, count(*) FILTER (WHERE val = 'sched') AS s FROM "${pgSched}"`);
    expect(Number(dst.rows[0].n)).toBe(Number(maxRow.n));
    expect(Number(dst.rows[0].s)).toBe(2);
    expect((await api(stack.app, 'DELETE', `/api/schedules/${id}`)).status).toBe(204);
  } finally {
    await pg.query(`DROP TABLE IF EXISTS "${pgSched}"`);
    await db.end();
    await pg.end();
  }
});

it('refuses incremental mode without a cursor column, before starting anything', async () => {
  const res = await api(stack.app, 'POST', '/api/migrations', {
    name: 'bad',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'versions' },
    options: { mode: 'incremental' },
  });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('options.cursor_column');
});
