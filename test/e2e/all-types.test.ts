/**
 * End to end through the API, a real Temporal dev server and a real worker: a 100,000-row
 * MariaDB table covering every common MySQL type lands in the Hydrolix emulator, and every
 * value of every row is checked at the destination.
 */
import { describe, expect, it } from 'vitest';
import { ALL_TYPES_COLUMNS, expectedRow, seedAllTypes } from '../fixtures/all-types';
import type { Value } from '../../connectors/types';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { seededStack } from '../support/seeded-stack';
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
