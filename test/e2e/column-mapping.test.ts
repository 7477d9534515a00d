/**
 * Column mapping (`destination_config.columns`) end to end, on a real Temporal dev server, worker,
 * MariaDB, PostgreSQL and the Hydrolix emulator: renamed columns land under their new names, skipped
 * ones are absent, casts give the destination column the cast type and the values that type holds,
 * on the packed path (casts whose packed form carries over) and the row path (casts converted in
 * the worker); an incremental run with a renamed cursor column resumes from its mark; and mapping
 * mistakes fail the run at setup, naming the column, before any table exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnMapping } from '../../connectors/column-mapping';
import type { TableSchema } from '../../connectors/types';
import { MIGRATION_WORKFLOW, type MigrationInput, type Progress } from '../../workflows/types';
import { mariadb, uniqueName } from '../support/mariadb';
import { withPostgres } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';

const src = uniqueName('cm_src');
const project = 'cm_project';
let stack: Stack;
let worker: Awaited<ReturnType<Stack['startInProcessWorker']>>;

// Every row: an id, a name to rename, a secret to skip, numbers and a timestamp to cast.
const ROWS = 3_000;
const row = (i: number) => [
  i,
  `name-${i}`,
  `secret-${i}`,
  i * 7,
  `${i}.${String(i % 100).padStart(2, '0')}`,
  `2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:05`,
  i % 2,
];

beforeAll(async () => {
  const db = await mariadb();
  await db.query(
    `CREATE TABLE \`${src}\` (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, secret VARCHAR(30), qty INT NOT NULL,
       price DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL, flag TINYINT NOT NULL)`,
  );
  await db.query(`INSERT INTO \`${src}\` VALUES ?`, [Array.from({ length: ROWS }, (_, i) => row(i + 1))]);
  await db.end();
  stack = await startStack({ project });
  worker = await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${src}\``);
  await db.end();
});

interface Run {
  table: string;
  to?: 'POSTGRES' | 'HYDROLIX';
  columns: ColumnMapping;
  sourceTable?: string;
  incremental?: { cursor: string; mark: string | number | null; fingerprints?: string };
  options?: Record<string, string>;
}

/** Starts a migration on the worker's task queue and waits for its outcome (progress, or the failure's message). */
async function migrate(r: Run): Promise<{ ok: true; progress: Progress } | { ok: false; error: string }> {
  const id = uniqueName('cm_mig');
  const input: MigrationInput = {
    migrationId: id,
    name: 'column mapping',
    createdAt: new Date().toISOString(),
    source: { type: 'SINGLESTORE', spec: { table: r.sourceTable ?? src } },
    destination: {
      type: r.to ?? 'POSTGRES',
      spec: { table: r.table, options: { write_mode: r.incremental ? 'upsert' : 'append', ...r.options }, columns: r.columns },
    },
    options: {
      parallelism: 2,
      chunksPerRun: 500,
      chunkRows: 1_000,
      mode: r.incremental ? 'incremental' : 'full',
      ...(r.incremental
        ? { cursorColumn: r.incremental.cursor, highWaterMark: r.incremental.mark, ...(r.incremental.fingerprints ? { boundaryFingerprints: r.incremental.fingerprints } : {}) }
        : {}),
    },
  };
  const handle = await stack.temporal.client.workflow.start(MIGRATION_WORKFLOW, { taskQueue: stack.taskQueue, workflowId: id, args: [input] });
  try {
    return { ok: true, progress: (await handle.result()) as Progress };
  } catch (e) {
    let err = e as { message?: string; cause?: unknown };
    let message = err.message ?? String(e);
    while (err.cause) {
      err = err.cause as { message?: string; cause?: unknown };
      if (err.message) message = err.message;
    }
    return { ok: false, error: message };
  }
}

/**
 * Which read path the worker's cached source serves from now on, and the columns it is asked to
 * select (the source builds its SELECT from the schema it is given).
 */
async function spyReads(): Promise<{ readText: number; readData: number; selected: Set<string> }> {
  const src = await worker.connectors.source('SINGLESTORE');
  const calls = { readText: 0, readData: 0, selected: new Set<string>() };
  for (const m of ['readText', 'readData'] as const) {
    const own = Object.prototype.hasOwnProperty.call(src, m) ? (src as unknown as Record<string, unknown>)[m] : undefined;
    const orig = ((own ?? Object.getPrototypeOf(src)[m]) as (...a: unknown[]) => unknown).bind(src);
    (src as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      calls[m]++;
      for (const c of (a[1] as TableSchema).columns) calls.selected.add(c.name);
      return orig(...a);
    };
  }
  return calls;
}

async function pgColumns(pg: import('pg').Client, table: string) {
  const r = await pg.query(
    `SELECT column_name AS name, format_type(a.atttypid, a.atttypmod) AS type FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = 'public' AND c.table_name = $1 ORDER BY c.ordinal_position`,
    [table],
  );
  return r.rows;
}

describe('MariaDB → PostgreSQL', () => {
  it('renames, skips and casts on the packed path (casts whose packed form carries over)', { timeout: 120_000 }, async () => {
    const dest = uniqueName('cm_pg_packed');
    const reads = await spyReads();
    await withPostgres([dest], async (pg) => {
      const out = await migrate({
        table: dest,
        columns: { name: { name: 'full_name' }, secret: { skip: true }, qty: { cast: 'bigint', name: 'quantity' }, price: { cast: 'text' }, flag: { cast: 'boolean' } },
      });
      if (!out.ok) throw new Error(out.error);
      expect(out.progress.phase).toBe('completed');
      expect(out.progress.verification?.ok).toBe(true);
      // No cast here needs the worker to convert a value: the rows stay on the packed path.
      expect(out.progress.warnings.filter((w) => /decoded in the worker/.test(w))).toEqual([]);
      expect(reads.readText).toBeGreaterThan(0);
      expect(reads.readData).toBe(0);
      // The skipped column is not selected at the source at all.
      expect([...reads.selected].sort()).toEqual(['created', 'flag', 'id', 'name', 'price', 'qty']);
      expect(await pgColumns(pg, dest)).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'full_name', type: 'character varying(30)' },
        { name: 'quantity', type: 'bigint' },
        { name: 'price', type: 'text' },
        { name: 'created', type: 'timestamp(0) without time zone' },
        { name: 'flag', type: 'boolean' },
      ]);
      const got = await pg.query(`SELECT id, full_name, quantity::text AS q, price, to_char(created, 'YYYY-MM-DD HH24:MI:SS') AS created, flag FROM "${dest}" ORDER BY id`);
      expect(got.rows).toHaveLength(ROWS);
      expect(got.rows).toEqual(
        Array.from({ length: ROWS }, (_, i) => {
          const [id, name, , qty, price, created, flag] = row(i + 1);
          return { id, full_name: name, q: String(qty), price, created, flag: flag === 1 };
        }),
      );
    });
  });

  it('converts casts the packed forms cannot carry in the worker, and says so', { timeout: 120_000 }, async () => {
    const dest = uniqueName('cm_pg_rows');
    const reads = await spyReads();
    await withPostgres([dest], async (pg) => {
      const out = await migrate({ table: dest, columns: { secret: { skip: true }, created: { cast: 'date', name: 'created_on' }, qty: { cast: 'numeric(12,2)' } } });
      if (!out.ok) throw new Error(out.error);
      expect(out.progress.verification?.ok).toBe(true);
      expect(out.progress.warnings).toContain('rows decoded in the worker (slower path): cast created → date converted in the worker');
      expect(reads.readData).toBeGreaterThan(0);
      expect(reads.readText).toBe(0);
      expect(reads.selected.has('secret')).toBe(false);
      expect(out.progress.warnings).toContainEqual(expect.stringMatching(/^column created \(datetime\) cast to date: the time of day is dropped$/));
      expect((await pgColumns(pg, dest)).map((c: { name: string; type: string }) => `${c.name} ${c.type}`)).toEqual([
        'id integer',
        'name character varying(30)',
        'qty numeric(12,2)',
        'price numeric(10,2)',
        'created_on date',
        'flag smallint',
      ]);
      const got = await pg.query(`SELECT id, qty::text AS qty, to_char(created_on, 'YYYY-MM-DD') AS d FROM "${dest}" ORDER BY id`);
      expect(got.rows).toEqual(
        Array.from({ length: ROWS }, (_, i) => {
          const r = row(i + 1);
          return { id: r[0], qty: `${r[3]}.00`, d: String(r[5]).slice(0, 10) };
        }),
      );
    });
  });

  it('fails at setup, naming the column, and creates nothing', { timeout: 120_000 }, async () => {
    const cases: Array<[ColumnMapping, RegExp]> = [
      [{ nope: { name: 'x' } }, /destination_config\.columns\.nope: the source has no column nope/],
      [{ id: { skip: true } }, /destination_config\.columns\.id: id is a key column and cannot be skipped/],
      [{ name: { name: 'qty' } }, /destination_config\.columns\.(name|qty): .*both be written to the destination column qty/],
      [{ price: { cast: 'money' } }, /destination_config\.columns\.price: unsupported cast "money" \(supported: text, /],
      [{ name: { cast: 'integer' } }, /destination_config\.columns\.name: name \(varchar\(30\)\) cannot be cast to integer: text values are not all integers/],
    ];
    for (const [columns, message] of cases) {
      const dest = uniqueName('cm_pg_bad');
      await withPostgres([dest], async (pg) => {
        const out = await migrate({ table: dest, columns });
        expect(out.ok).toBe(false);
        expect(!out.ok && out.error).toMatch(message);
        expect((await pg.query(`SELECT to_regclass($1) AS t`, [`public.${dest}`])).rows[0].t).toBeNull();
      });
    }
  });

  it('refuses an existing table whose columns do not match the mapping', { timeout: 120_000 }, async () => {
    const dest = uniqueName('cm_pg_existing');
    await withPostgres([dest], async (pg) => {
      await pg.query(`CREATE TABLE "${dest}" (id integer NOT NULL, full_name integer, qty integer, price numeric(10,2), created timestamp(0), flag smallint)`);
      const out = await migrate({ table: dest, columns: { name: { name: 'full_name' }, secret: { skip: true } } });
      expect(!out.ok && out.error).toMatch(/does not match the source: column full_name is integer, expected character varying\(30\)/);
      expect(Number((await pg.query(`SELECT count(*) AS n FROM "${dest}"`)).rows[0].n)).toBe(0);
    });
  });

  it('incremental runs with a renamed cursor column pick up from their mark', { timeout: 180_000 }, async () => {
    const table = uniqueName('cm_incr');
    const dest = uniqueName('cm_pg_incr');
    const badDest = uniqueName('cm_pg_incr_bad');
    const db = await mariadb();
    try {
      await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, val VARCHAR(40) NOT NULL, note TEXT)`);
      await db.query(`INSERT INTO \`${table}\` VALUES ?`, [
        Array.from({ length: 500 }, (_, i) => [i + 1, `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}.000000`, `v1-${i + 1}`, 'n']),
      ]);
      const columns: ColumnMapping = { updated_at: { name: 'changed_at' }, val: { name: 'value' }, note: { skip: true } };
      await withPostgres([dest, badDest], async (pg) => {
        const first = await migrate({ table: dest, sourceTable: table, columns, incremental: { cursor: 'updated_at', mark: null } });
        if (!first.ok) throw new Error(first.error);
        expect(first.progress.rowsCopied).toBe(500);
        expect(first.progress.highWaterMark).toBe('2024-01-01 00:00:59.000000');
        // One row changed, two new past the mark.
        await db.query(`UPDATE \`${table}\` SET val = 'v2-7', updated_at = '2024-01-02 00:00:00' WHERE id = 7`);
        await db.query(`INSERT INTO \`${table}\` VALUES (501, '2024-01-02 00:00:01', 'v1-501', 'n'), (502, '2024-01-02 00:00:02', 'v1-502', 'n')`);
        const second = await migrate({
          table: dest,
          sourceTable: table,
          columns,
          incremental: { cursor: 'updated_at', mark: first.progress.highWaterMark, fingerprints: first.progress.boundaryFingerprints ?? undefined },
        });
        if (!second.ok) throw new Error(second.error);
        expect(second.progress.rowsCopied).toBe(3);
        expect(second.progress.verification?.ok).toBe(true);
        expect((await pgColumns(pg, dest)).map((c: { name: string }) => c.name)).toEqual(['id', 'changed_at', 'value']);
        const got = await pg.query(`SELECT id, value, to_char(changed_at, 'YYYY-MM-DD HH24:MI:SS') AS at FROM "${dest}" ORDER BY id`);
        expect(got.rows).toHaveLength(502);
        expect(got.rows[6]).toEqual({ id: 7, value: 'v2-7', at: '2024-01-02 00:00:00' });
        expect(got.rows.slice(500)).toEqual([
          { id: 501, value: 'v1-501', at: '2024-01-02 00:00:01' },
          { id: 502, value: 'v1-502', at: '2024-01-02 00:00:02' },
        ]);
        expect(got.rows.filter((r: { value: string }) => r.value.startsWith('v1-')).length).toBe(501);

        // A mapping that skips the cursor column is refused before anything is written.
        const bad = await migrate({ table: badDest, sourceTable: table, columns: { updated_at: { skip: true } }, incremental: { cursor: 'updated_at', mark: null } });
        expect(!bad.ok && bad.error).toMatch(/destination_config\.columns\.updated_at: updated_at is the cursor column and cannot be skipped/);
        expect((await pg.query('SELECT to_regclass($1) AS t', [`public.${badDest}`])).rows[0].t).toBeNull();
      });
    } finally {
      await db.query(`DROP TABLE IF EXISTS \`${table}\``);
      await db.end();
    }
  });
});

describe('MariaDB → Hydrolix (emulator)', () => {
  it('renames and skips columns', { timeout: 120_000 }, async () => {
    const table = uniqueName('cm_hdx');
    const out = await migrate({ table, to: 'HYDROLIX', columns: { name: { name: 'label' }, secret: { skip: true }, qty: { cast: 'int64' } } });
    if (!out.ok) throw new Error(out.error);
    expect(out.progress.verification?.ok).toBe(true);
    const stored = stack.emulator.state.rows(project, table).rows as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(ROWS);
    const byId = new Map(stored.map((r) => [Number(r.id), r]));
    for (const i of [1, 2, 1500, ROWS]) {
      const r = byId.get(i)!;
      expect(r).toBeDefined();
      expect(Object.keys(r).sort()).toEqual(['created', 'flag', 'id', 'label', 'price', 'qty']);
      expect(r.label).toBe(`name-${i}`);
      expect(Number(r.qty)).toBe(i * 7);
    }
  });

  it('incremental runs with a renamed cursor append only what changed', { timeout: 180_000 }, async () => {
    const table = uniqueName('cm_hdx_incr');
    const dest = uniqueName('cm_hdx_incr');
    const db = await mariadb();
    try {
      await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, val VARCHAR(40) NOT NULL, note TEXT)`);
      await db.query(`INSERT INTO \`${table}\` VALUES ?`, [Array.from({ length: 200 }, (_, i) => [i + 1, `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}`, `v1-${i + 1}`, 'n'])]);
      const columns: ColumnMapping = { updated_at: { name: 'changed_at' }, note: { skip: true } };
      const first = await migrate({ table: dest, to: 'HYDROLIX', sourceTable: table, columns, incremental: { cursor: 'updated_at', mark: null } });
      if (!first.ok) throw new Error(first.error);
      expect(first.progress.rowsCopied).toBe(200);
      await db.query(`UPDATE \`${table}\` SET val = 'v2-5', updated_at = '2024-01-02 00:00:00' WHERE id = 5`);
      await db.query(`INSERT INTO \`${table}\` VALUES (201, '2024-01-02 00:00:01', 'v1-201', 'n')`);
      const second = await migrate({
        table: dest,
        to: 'HYDROLIX',
        sourceTable: table,
        columns,
        incremental: { cursor: 'updated_at', mark: first.progress.highWaterMark, fingerprints: first.progress.boundaryFingerprints ?? undefined },
      });
      if (!second.ok) throw new Error(second.error);
      expect(second.progress.rowsCopied).toBe(2);
      expect(second.progress.verification?.ok).toBe(true);
      // Append-only: every version once, under the new names, without the skipped column.
      const stored = stack.emulator.state.rows(project, dest).rows as Array<Record<string, unknown>>;
      expect(stored).toHaveLength(202);
      expect(Object.keys(stored[0]).sort()).toEqual(['changed_at', 'id', 'val']);
      expect(stored.filter((r) => Number(r.id) === 5).map((r) => r.val).sort()).toEqual(['v1-5', 'v2-5']);
      expect(stored.find((r) => Number(r.id) === 201)?.val).toBe('v1-201');
    } finally {
      await db.query(`DROP TABLE IF EXISTS \`${table}\``);
      await db.end();
    }
  });
});
