/**
 * End to end through the API, a real Temporal dev server and a real worker: a 100,000-row
 * MariaDB table covering every common MySQL type lands in PostgreSQL as packed rows (no value
 * decoded in the worker) and in the Hydrolix emulator, and every value of every row is checked
 * at the destination.
 */
import { describe, expect, it } from 'vitest';
import { ALL_TYPES_COLUMNS, expectedRow, seedAllTypes } from '../fixtures/all-types';
import type { Value } from '../../connectors/types';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { seededStack } from '../support/seeded-stack';
import { waitForStatus } from '../support/migrations';
import { TEST_PG_URL, toPostgres, withPostgres } from '../support/postgres';
import { PostgresDestination } from '../../connectors/postgres';
import { SLOW_PATH_WARNING } from '../../activities/text-path';
import { api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';

const ROWS = 100_000;
const project = 'e2e_all';
const ctx = seededStack({ prefix: 'es_all', project, seed: (t) => seedAllTypes(MARIADB_URL, t, ROWS) });
const { table } = ctx;

/** Truncates 'YYYY-MM-DD hh:mm:ss.ffffff' to milliseconds, as Hydrolix stores it (resolution ms). */
const toMs = (v: string) => (v.includes('.') ? v.slice(0, v.indexOf('.') + 4) : `${v}.000`);

/**
 * What the destination must hold for a canonical source value, column by column. Written out
 * by hand (not derived from the connector) so a mapping regression fails here.
 */
function atHydrolix(column: string, v: Value): unknown {
  if (v === null) return null;
  // Hydrolix stores an empty field as missing: '' (or an empty BLOB) in these nullable columns lands as NULL, as the warnings say.
  if (v === '' || (v instanceof Uint8Array && v.length === 0)) return null;
  switch (column) {
    case 'f':
    case 'dbl':
      return v; // double
    case 'dt':
      return `${v} 00:00:00`; // DATE → datetime64 at second resolution
    case 'ts_main':
    case 'tstamp':
      return toMs(v as string); // DATETIME(6)/TIMESTAMP(6) → milliseconds (documented warning)
    case 'dt0':
      return v; // DATETIME(0) → seconds
    case 'bl':
    case 'vb':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'd20':
    case 'd65':
    case 'ch':
    case 'vc':
    case 'tx':
    case 'en':
    case 'st':
    case 'js':
    case 'tm':
      return v; // exact strings
    default:
      return String(v); // every integer type (incl. TINYINT(1), YEAR, BIT) is stored exactly
  }
}

async function runToEnd(id: string, timeoutMs = 300_000) {
  return waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(s.status) ? s : undefined;
    },
    timeoutMs,
    `migration ${id} to finish`,
    250,
  );
}

/** Counts which read path the worker's cached source instance serves (copyChunk calls it). */
async function countReads(): Promise<{ readText: number; readData: number }> {
  const src = await ctx.worker!.connectors.source('SINGLESTORE');
  const calls = { readText: 0, readData: 0 };
  for (const m of ['readText', 'readData'] as const) {
    const orig = (src[m] as (...a: unknown[]) => unknown).bind(src);
    (src as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      calls[m]++;
      return orig(...a);
    };
  }
  return calls;
}

// Runs before the Hydrolix tests: the last of those stops the worker.
describe('SingleStore (MariaDB) → PostgreSQL, all types, as packed rows', () => {
  it('copies 100,000 rows without decoding them in the worker, every value as the row path writes it', { timeout: 400_000 }, async () => {
    const calls = await countReads();
    const dest = uniqueName('es_all_pg');
    const ref = uniqueName('es_all_ref');
    await withPostgres([dest, ref], async (pg) => {
      // boolean_as smallint: the fixture's TINYINT(1) holds -128 and 127 too.
      const created = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('all types to postgres', table, dest, {
        destination_config: { table: dest, boolean_as: 'smallint' },
        options: { chunk_rows: 25_000 },
      }));
      expect(created.status).toBe(201);
      const done = await waitForStatus(ctx.stack, created.body.id, ['completed']);
      expect(done).toMatchObject({ rows_copied: ROWS, verification: { source_rows: ROWS, destination_rows: ROWS, ok: true } });
      expect(done.warnings.join('\n')).not.toContain(SLOW_PATH_WARNING);
      expect(calls.readText).toBeGreaterThanOrEqual(4);
      expect(calls.readData).toBe(0);

      // The reference: the fixture's canonical values through the row path's writer.
      const dst = PostgresDestination.fromEnv({ POSTGRES_URL: TEST_PG_URL });
      try {
        const src = await ctx.worker!.connectors.source('SINGLESTORE');
        const schema = await src.getSchema({ table });
        const spec = { table: ref, options: { write_mode: 'append', boolean_as: 'smallint' } };
        await dst.createTable(spec, schema);
        for (let from = 1; from <= ROWS; from += 5_000) {
          await dst.writeData(spec, schema, Array.from({ length: 5_000 }, (_, i) => expectedRow(from + i, { safeDates: true })));
        }
      } finally {
        await dst.disconnect();
      }
      const cols = ALL_TYPES_COLUMNS.map((c) => `"${c}"`).join(', ');
      for (const [a, b] of [[dest, ref], [ref, dest]]) {
        const diff = await pg.query(`SELECT count(*)::int AS n FROM (SELECT ${cols} FROM "${a}" EXCEPT ALL SELECT ${cols} FROM "${b}") x`);
        expect(diff.rows[0].n, `rows of ${a} missing from ${b}`).toBe(0);
      }
      // A few values spelled out, so a shared mistake of both writers still shows.
      const one = await pg.query(`SELECT bo, encode(vb, 'hex') AS vb, bt, tm::text AS tm, yr, tstamp::text AS ts FROM "${dest}" WHERE id = 1`);
      expect(one.rows[0]).toEqual({ bo: -128, vb: Buffer.from(expectedRow(1)[26] as Uint8Array).toString('hex'), bt: '0', tm: '-838:59:59', yr: 1901, ts: '1970-01-01 00:00:01+00' });
    });
  });

  it('a TINYINT(1) holding another value than 0/1 fails the run by name on the packed path too; 0/1 land as booleans', { timeout: 200_000 }, async () => {
    const calls = await countReads();
    const dest = uniqueName('es_all_bool');
    const ok = uniqueName('es_all_bool_ok');
    await withPostgres([dest, ok], async (pg) => {
      const bad = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('booleans', table, dest, { options: { chunk_rows: 50_000 } }));
      const failed = await waitForStatus(ctx.stack, bad.body.id, ['failed']);
      expect(failed.error).toMatch(/column bo \(tinyint\(1\)\) of the row with id="1" holds -128, which a boolean column cannot store; set destination options.boolean_as=smallint/);
      // Without ids 1 and 2 (-128 and 127) every value is 0, 1 or NULL.
      const good = await api(ctx.stack.app, 'POST', '/api/migrations', {
        ...toPostgres('booleans 0/1', table, ok, { options: { chunk_rows: 50_000 } }),
        source_config: { table, query: `SELECT * FROM \`${table}\` WHERE id > 2` },
      });
      const done = await waitForStatus(ctx.stack, good.body.id, ['completed']);
      expect(done.rows_copied).toBe(ROWS - 2);
      expect(done.warnings.join('\n')).not.toContain(SLOW_PATH_WARNING);
      expect(calls.readData).toBe(0);
      const r = await pg.query(`SELECT count(*) FILTER (WHERE bo)::int AS t, count(*) FILTER (WHERE NOT bo)::int AS f, count(*) FILTER (WHERE bo IS NULL)::int AS n FROM "${ok}"`);
      const want = { t: 0, f: 0, n: 0 };
      for (let id = 3; id <= ROWS; id++) {
        const v = expectedRow(id)[27];
        if (v === null) want.n++;
        else if (v === 1) want.t++;
        else want.f++;
      }
      expect(r.rows[0]).toEqual(want);
    });
  });
});

describe('SingleStore (MariaDB) → Hydrolix, all types', () => {
  it('copies 100,000 rows with every value intact', { timeout: 400_000 }, async () => {
    const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
      name: 'all types',
      source_type: 'SINGLESTORE',
      source_config: { table },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'all_types', timestamp_column: 'ts_main' },
      options: { chunk_rows: 20_000, batch_rows: 5_000 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'all types', status: 'pending', progress: 0, error: null });

    const seen = new Set<number>();
    const final = await waitFor(
      async () => {
        const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${created.body.id}`)).body;
        seen.add(s.progress);
        if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
        return s.status === 'completed' ? s : undefined;
      },
      300_000,
      'completion',
      100,
    );
    expect(final).toMatchObject({ status: 'completed', progress: 100, rows_copied: ROWS, rows_total: ROWS, error: null });
    expect(final.target).toBe(`${project}.all_types`);
    expect(final.warnings.join('\n')).toMatch(/millisecond/i);
    for (const c of ['ch', 'vc', 'tx', 'en', 'st', 'bl', 'vb']) expect(final.warnings.some((w: string) => w.startsWith(`${c}: `) && /becomes NULL/.test(w))).toBe(true);
    expect(final.rows_per_second).toBeGreaterThan(0);

    const { rows } = ctx.stack.emulator.state.rows(project, 'all_types');
    expect(rows.length).toBe(ROWS);
    expect(ctx.stack.emulator.state.rejects(project, 'all_types')).toEqual([]);
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    expect(byId.size).toBe(ROWS);
    let checked = 0;
    for (let id = 1; id <= ROWS; id++) {
      const got = byId.get(String(id));
      const want = expectedRow(id, { safeDates: true });
      ALL_TYPES_COLUMNS.forEach((col, k) => {
        const expected = atHydrolix(col, want[k]);
        if (got?.[col] !== expected) expect({ id, col, value: got?.[col] }).toEqual({ id, col, value: expected });
        checked++;
      });
    }
    expect(checked).toBe(ROWS * ALL_TYPES_COLUMNS.length);

    const list = await api(ctx.stack.app, 'GET', '/api/migrations');
    expect(list.body.migrations[0]).toMatchObject({ id: created.body.id, status: 'completed' });
  });

  it('fails fast, with a message naming the column, when a value cannot be represented', { timeout: 120_000 }, async () => {
    const bad = uniqueName('es_bad');
    const db = await mariadb();
    await db.query(`CREATE TABLE \`${bad}\` (id INT PRIMARY KEY, at DATETIME NOT NULL, d DATE NULL)`);
    await db.query(`INSERT INTO \`${bad}\` VALUES (1, '2020-01-01 00:00:00', '2020-01-01'), (2, '2020-01-02 00:00:00', '1000-01-01')`);
    try {
      const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
        name: 'unrepresentable',
        source_type: 'SINGLESTORE',
        source_config: { table: bad },
        destination_type: 'HYDROLIX',
        destination_config: { table: 'bad_dates' },
      });
      expect(created.status).toBe(201);
      const final = await runToEnd(created.body.id, 60_000);
      expect(final.status).toBe('failed');
      expect(final.error).toMatch(/\bd\b.*1000-01-01/);
    } finally {
      await db.query(`DROP TABLE IF EXISTS \`${bad}\``);
      await db.end();
    }
  });

  it('fails with a clear error for a missing source table, without retrying forever', { timeout: 60_000 }, async () => {
    const started = Date.now();
    const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
      name: 'missing table',
      source_type: 'SINGLESTORE',
      source_config: { table: 'no_such_table_here' },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'never' },
    });
    const final = await runToEnd(created.body.id, 30_000);
    expect(final.status).toBe('failed');
    expect(final.error).toContain('no_such_table_here');
    expect(Date.now() - started).toBeLessThan(30_000);

    // With no worker left to answer queries, the error still comes back (from the run's history).
    ctx.worker!.worker.shutdown();
    await ctx.worker!.done;
    const later = await api(ctx.stack.app, 'GET', `/api/migrations/${created.body.id}`);
    expect(later.body).toMatchObject({ status: 'failed' });
    expect(later.body.error).toContain('no_such_table_here');
  });
});
