/**
 * Incremental schedules on a second-resolution DATETIME cursor, many rows per second: rows are
 * inserted and updated while each run copies, more land in the boundary second after a run's
 * mark, and one commits late with a cursor older than the mark (inside the lookback). After three
 * scheduled runs PostgreSQL equals the source row for row, and Hydrolix holds every version that
 * existed when a run started, the source's current rows, and no identical copy of any version.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client as PgClient } from 'pg';
import { mariadb, uniqueName } from '../support/mariadb';
import { TEST_PG_URL } from '../support/postgres';
import { api, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const table = uniqueName('es_incb');
const pgTable = uniqueName('es_incb_pg');
const hdxTable = 'boundary_versions';
const project = 'incremental_boundary';
const SEED_ROWS = 4_000;
let stack: Stack;

/** Second-resolution cursor values near now (Hydrolix refuses primary timestamps a year old). */
const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const at = (s: number) => new Date(base + s * 1000).toISOString().slice(0, 19).replace('T', ' ');

type Version = [id: number, updatedAt: string, val: string];

beforeAll(async () => {
  const db = await mariadb();
  await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, val VARCHAR(60) NOT NULL, KEY (updated_at))`);
  // 10 rows per second long before the lookback (seconds -120..-21), then 600 per second over seconds 0..4.
  const second = (i: number) => (i < 1_000 ? -120 + Math.floor(i / 10) : Math.floor((i - 1_000) / 600));
  const rows = Array.from({ length: SEED_ROWS }, (_, i) => [i + 1, at(second(i)), `seed-${i + 1}`]);
  await db.query(`INSERT INTO \`${table}\` VALUES ?`, [rows]);
  await db.end();
  stack = await startStack({ project });
  await stack.startInProcessWorker();
});

afterAll(async () => {
  await stack?.stop();
  const pg = new PgClient({ connectionString: TEST_PG_URL });
  await pg.connect();
  await pg.query(`DROP TABLE IF EXISTS "${pgTable}"`);
  await pg.end();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

/** Deterministic pseudo-random numbers (the same writes every run of the test). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s % n;
  };
}

/**
 * Inserts and updates rows with the cursor value `second` (the source's "now") in small
 * transactions until stopped: run during a copy, some land before their chunk is read and
 * some after. Updates may change a row twice within one second.
 */
function writer(db: Awaited<ReturnType<typeof mariadb>>, nextId: { v: number }, second: () => number, rnd: (n: number) => number) {
  let stop = false;
  let writes = 0;
  const done = (async () => {
    while (!stop) {
      if (rnd(2) === 0) {
        const id = nextId.v++;
        await db.query(`INSERT INTO \`${table}\` VALUES (?, ?, ?)`, [id, at(second()), `ins-${id}`]);
      } else {
        await db.query(`UPDATE \`${table}\` SET val = ?, updated_at = ? WHERE id = ?`, [`upd-${writes}`, at(second()), 1 + rnd(nextId.v - 1)]);
      }
      writes++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return writes;
    },
  };
}

async function sourceRows(db: Awaited<ReturnType<typeof mariadb>>): Promise<Version[]> {
  const [rows] = await db.query(`SELECT id, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') AS at, val FROM \`${table}\` ORDER BY id`);
  return (rows as Array<{ id: number; at: string; val: string }>).map((r) => [r.id, r.at, r.val]);
}

function schedule(name: string, destination: Record<string, unknown>) {
  return {
    name,
    spec: { interval: '1h' },
    paused: true, // only the test's triggers run it
    migration: {
      name,
      source_type: 'SINGLESTORE',
      source_config: { table },
      ...destination,
      options: { mode: 'incremental', cursor_column: 'updated_at', lookback: '10s', chunk_rows: 500, batch_rows: 100 },
    },
  };
}

async function trigger(id: string) {
  const before = ((await api(stack.app, 'GET', `/api/schedules/${id}`)).body.recent_runs as unknown[]).length;
  expect((await api(stack.app, 'POST', `/api/schedules/${id}/trigger`)).status).toBe(202);
  return before;
}

async function finished(id: string, runsBefore: number) {
  const done = await waitFor(
    async () => {
      const s = (await api(stack.app, 'GET', `/api/schedules/${id}`)).body;
      const runs = s.recent_runs as Array<{ migration_id: string; status: string }>;
      if (runs.length <= runsBefore || !['completed', 'failed', 'cancelled'].includes(runs[0].status)) return undefined;
      return { schedule: s, run: (await api(stack.app, 'GET', `/api/migrations/${runs[0].migration_id}`)).body };
    },
    180_000,
    `a run of ${id}`,
    200,
  );
  expect(done.run.error).toBeNull();
  expect(done.run.status).toBe('completed');
  return done;
}

it('three scheduled runs with writes during each run and at the boundary second lose nothing and repeat nothing', { timeout: 600_000 }, async () => {
  const db = await mariadb();
  const writerDb = await mariadb();
  const pg = new PgClient({ connectionString: TEST_PG_URL });
  await pg.connect();
  const rnd = lcg(12);
  const nextId = { v: SEED_ROWS + 1 };
  // Versions a run must deliver: present when it started and still there when it ended (one
  // overwritten during the copy may be gone before its chunk reads it).
  const mustHave = new Set<string>();
  const ids: string[] = [];
  let w: ReturnType<typeof writer> | undefined;
  const snapshot = async () => new Set((await sourceRows(db)).map((v) => JSON.stringify(v)));
  const keepUnchanged = async (before: Set<string>) => {
    for (const v of await snapshot()) if (before.has(v)) mustHave.add(v);
  };
  try {
    const toPg = await api(stack.app, 'POST', '/api/schedules', schedule('boundary pg', { destination_type: 'POSTGRES', destination_config: { table: pgTable } }));
    const toHdx = await api(
      stack.app,
      'POST',
      '/api/schedules',
      schedule('boundary hdx', { destination_type: 'HYDROLIX', destination_config: { table: hdxTable, timestamp_column: 'updated_at' } }),
    );
    expect([toPg.status, toHdx.status]).toEqual([201, 201]);
    ids.push(toPg.body.id as string, toHdx.body.id as string);

    // Each of the first two runs: the source's clock stands at `second`, rows change during the
    // copy with that cursor value, and more after the run, still in the same second.
    const runs: Array<Array<{ run: Record<string, unknown> }>> = [];
    for (const second of [4, 5]) {
      if (second === 5) {
        await db.query(`INSERT INTO \`${table}\` VALUES (?, ?, ?)`, [nextId.v, at(5), `ins-${nextId.v}`]);
        nextId.v++;
      }
      const atStart = await snapshot();
      w = writer(writerDb, nextId, () => second, rnd);
      const before = await Promise.all(ids.map(trigger));
      const done = await Promise.all(ids.map((id, i) => finished(id, before[i])));
      const writes = await w.stop();
      await keepUnchanged(atStart);
      expect(writes).toBeGreaterThan(0);
      runs.push(done);
      for (const d of done) expect(d.schedule.high_water_mark).toBe(at(second));
      // The boundary second, after the run: inserts, and updates of rows the run just copied.
      for (let i = 0; i < 40; i++) {
        if (i % 2 === 0) {
          await db.query(`INSERT INTO \`${table}\` VALUES (?, ?, ?)`, [nextId.v, at(second), `late-${nextId.v}`]);
          nextId.v++;
        } else {
          await db.query(`UPDATE \`${table}\` SET val = ?, updated_at = ? WHERE id = ?`, [`after-${second}-${i}`, at(second), 1 + rnd(nextId.v - 1)]);
        }
      }
    }
    // A late commit: a transaction that took its cursor 3 s before the mark, committed after the run.
    await db.query(`INSERT INTO \`${table}\` VALUES (?, ?, ?)`, [nextId.v, at(2), 'late-commit']);
    nextId.v++;
    await db.query(`UPDATE \`${table}\` SET val = 'late-update', updated_at = ? WHERE id = 7`, [at(3)]);

    const before = await Promise.all(ids.map(trigger));
    const third = await Promise.all(ids.map((id, i) => finished(id, before[i])));
    runs.push(third);
    // Rows read again (the boundary second and the lookback) and recognised as delivered.
    expect(Number(runs[1][0].run.rows_skipped)).toBeGreaterThan(0);
    expect(Number(third[0].run.rows_skipped)).toBeGreaterThan(0);

    const source = await sourceRows(db);
    expect(source.length).toBe(nextId.v - 1);

    // PostgreSQL: the source, row for row.
    const dst = await pg.query(`SELECT id, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') AS at, val FROM "${pgTable}" ORDER BY id`);
    expect(dst.rows.map((r) => [Number(r.id), r.at, r.val])).toEqual(source);

    // Hydrolix: no identical copy; every version present at a run's start; the current rows.
    const stored = stack.emulator.state
      .rows(project, hdxTable)
      .rows.map((r) => JSON.stringify([Number(r.id), String(r.updated_at).replace('T', ' ').slice(0, 19), r.val]));
    const copies = new Map<string, number>();
    for (const v of stored) copies.set(v, (copies.get(v) ?? 0) + 1);
    expect([...copies].filter(([, n]) => n > 1)).toEqual([]);
    const missing = [...mustHave, ...source.map((v) => JSON.stringify(v))].filter((v) => !copies.has(v));
    expect(missing).toEqual([]);
    const copied = runs.reduce((sum, r) => sum + Number(r[1].run.rows_copied), 0);
    expect(stored.length).toBe(copied);
  } finally {
    await w?.stop();
    for (const id of ids) await api(stack.app, 'DELETE', `/api/schedules/${id}`);
    await db.end();
    await writerDb.end();
    await pg.end();
  }
});

it('refuses a malformed lookback or fingerprints with field errors, before starting anything', async () => {
  const body = (options: Record<string, unknown>) => ({
    name: 'bad',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'POSTGRES',
    destination_config: { table: pgTable },
    options: { mode: 'incremental', cursor_column: 'updated_at', ...options },
  });
  for (const [options, path] of [
    [{ lookback: '10 minutes' }, 'options.lookback'],
    [{ lookback: -5 }, 'options.lookback'],
    [{ boundary_fingerprints: 'not base64!!' }, 'options.boundary_fingerprints'],
    [{ boundary_fingerprints: 'AAAAAAAAAAAA' }, 'options.boundary_fingerprints'], // without its high_water_mark
  ] as const) {
    const res = await api(stack.app, 'POST', '/api/migrations', body(options));
    expect(res.status).toBe(400);
    expect((res.body.fields as Array<{ path: string }>).map((f) => f.path)).toContain(path);
  }
});
