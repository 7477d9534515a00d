/**
 * Deferred primary key against a real PostgreSQL (127.0.0.1:5432, db `test`): append/replace
 * create the table without its key and a pending marker; finishTable builds the key once.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, type DestinationSpec, type Row, type TableSchema } from '../types';
import { readConfig } from './config';
import { OWNER_MARKER, pendingKeyMarker } from './deferred-key';
import { PostgresDestination, postgresConnector } from './index';
import { openPool } from './pool';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const env = { POSTGRES_URL: PG_URL };

// Identifiers that need quoting everywhere: a composite key with a quote in a column name.
const schema: TableSchema = {
  name: 'deferred',
  columns: [
    { name: 'id', type: { kind: 'int', bits: 64, unsigned: false }, nullable: false, sourceType: 'bigint' },
    { name: 'part "b"', type: { kind: 'string', maxLength: 8 }, nullable: false, sourceType: 'varchar(8)' },
    { name: 'v', type: { kind: 'int', bits: 32, unsigned: false }, nullable: true, sourceType: 'int' },
  ],
  key: ['id', 'part "b"'],
  keySource: 'primary',
};
const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => [String(from + i), 'p', from + i]);

let admin: pg.Pool;
let dst: PostgresDestination;
const tables: string[] = [];
const spec = (writeMode?: string): DestinationSpec => {
  const table = `es_dk_${randomBytes(4).toString('hex')} "T"`;
  tables.push(table);
  return { table, options: writeMode ? { write_mode: writeMode } : undefined };
};
const quoted = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** The primary key's columns (null when there is none) and the table comment. */
async function keyState(table: string): Promise<{ primaryKey: string[] | null; comment: string | null }> {
  const r = await admin.query({
    text: `SELECT (SELECT array_agg(a.attname::text ORDER BY k.ord)
                     FROM pg_constraint c, unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attnum = k.attnum
                    WHERE c.conrelid = t.oid AND c.contype = 'p' AND a.attrelid = t.oid) AS pk,
                  obj_description(t.oid, 'pg_class') AS comment
             FROM pg_class t WHERE t.oid = $1::regclass`,
    values: [quoted(table)],
    rowMode: 'array',
  });
  const [pk, comment] = r.rows[0] as [string | null, string | null];
  return { primaryKey: pk === null ? null : parseTextArray(pk), comment };
}
const parseTextArray = (s: string) => [...s.slice(1, -1).matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]));

beforeAll(() => {
  admin = openPool(readConfig(env), false);
  dst = postgresConnector.createDestination!(env) as PostgresDestination;
});

afterAll(async () => {
  for (const t of tables) await admin?.query(`DROP TABLE IF EXISTS ${quoted(t)}`);
  await Promise.all([dst?.disconnect(), admin?.end()]);
});

describe('append/replace into a new table', () => {
  it('creates it without the key and marked; finishTable builds the key once and removes the marker', async () => {
    const d = spec();
    const created = await dst.createTable(d, schema);
    expect(created).toMatchObject({ created: true });
    expect(await keyState(d.table)).toEqual({ primaryKey: null, comment: 'epic-shelter: primary key ("id", "part ""b""") pending' });
    expect(pendingKeyMarker(schema.key)).toBe('epic-shelter: primary key ("id", "part ""b""") pending');

    expect(await dst.writeData(d, schema, rows(1, 500))).toBe(500);
    // A retry or a second worker finds the marked table: accepted silently, still pending.
    const again = await dst.createTable(d, schema);
    expect(again).toMatchObject({ created: false });
    expect(again.warnings.join('\n')).not.toMatch(/unique index/);
    expect((await keyState(d.table)).comment).toBe(pendingKeyMarker(schema.key));
    // Resuming a chunk works without the index (a sequential scan).
    expect(await dst.landedRows(d, schema, { after: ['100', 'p'], upTo: ['200', 'p'] })).toEqual({ rows: 100, lastKey: ['200', 'p'] });

    const { notes, tally } = await dst.finishTable(d, schema, { tally: true });
    expect(notes).toHaveLength(1);
    // Counted during the build: the table as committed (a composite key has no exact key sum).
    expect(tally).toEqual({ rows: 500, keySum: null });
    expect(notes[0]).toMatch(new RegExp(`^primary key \\(id, part "b"\\) of public\\.${d.table.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')} built after the load in \\d+\\.\\d s$`));
    expect(await keyState(d.table)).toEqual({ primaryKey: ['id', 'part "b"'], comment: OWNER_MARKER });
    // Named as ADD PRIMARY KEY would name it.
    const named = await admin.query(`SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [quoted(d.table)]);
    expect(named.rows[0].conname).toBe(`${d.table}_pkey`);

    // Idempotent: nothing pending, nothing done (a tally asked for is taken after).
    expect(await dst.finishTable(d, schema)).toEqual({ notes: [], tally: null });
    expect(await dst.finishTable(d, schema, { tally: true })).toEqual({ notes: [], tally: { rows: 500, keySum: null } });
    expect((await dst.createTable(d, schema)).warnings.join('\n')).not.toMatch(/unique index/);
    await expect(dst.writeData(d, schema, rows(500, 1))).rejects.toThrow(/constraint was violated \(23505\)/);
    expect(await dst.countRows(d)).toBe(500);
  });

  it('replace mode defers the key too', async () => {
    const d = spec('replace');
    expect(await dst.createTable(d, schema)).toMatchObject({ created: true });
    expect((await keyState(d.table)).primaryKey).toBeNull();
    await dst.writeData(d, schema, rows(1, 10));
    expect((await dst.finishTable(d, schema)).notes).toHaveLength(1);
    expect((await keyState(d.table)).primaryKey).toEqual(['id', 'part "b"']);
  });

  it('identical rows written twice before finishTable (a timed-out attempt that still ran) are removed, one copy kept', async () => {
    const d = spec();
    await dst.createTable(d, schema);
    await dst.writeData(d, schema, rows(1, 100));
    await dst.writeData(d, schema, rows(41, 5)); // lands: nothing rejects it before the key exists
    const { notes, tally } = await dst.finishTable(d, schema, { tally: true });
    expect(notes.join('\n')).toMatch(/removed 5 identical duplicate row\(s\)/);
    // A tally taken during the build would still count the removed copies: it is taken after.
    expect(tally).toEqual({ rows: 100, keySum: null });
    expect(await keyState(d.table)).toEqual({ primaryKey: ['id', 'part "b"'], comment: OWNER_MARKER });
    const r = await admin.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS k, sum(v)::int AS s FROM ${quoted(d.table)}`);
    expect(r.rows[0]).toEqual({ n: '100', k: '100', s: '5050' }); // this pool hands every value over as text
  });

  it('rows sharing a key with different contents: a PermanentError naming table, key and value; nothing changes', async () => {
    const d = spec();
    await dst.createTable(d, schema);
    await dst.writeData(d, schema, rows(1, 100));
    await dst.writeData(d, schema, [['42', 'p', -1]]); // same key, another version of the row
    const err = await dst.finishTable(d, schema).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err!.message).toContain(`destination table public.${d.table} holds duplicate keys`);
    expect(err!.message).toContain('primary key (id, part "b")');
    expect(err!.message).toMatch(/=\(42, p\) is duplicated/);
    // Rolled back: still marked, no key, both rows there; the run can be retried once resolved.
    expect(await keyState(d.table)).toEqual({ primaryKey: null, comment: pendingKeyMarker(schema.key) });
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${quoted(d.table)}`)).rows[0].n).toBe('101');
    await admin.query(`DELETE FROM ${quoted(d.table)} WHERE v = -1`);
    expect((await dst.finishTable(d, schema)).notes).toHaveLength(1);
    expect((await keyState(d.table)).primaryKey).toEqual(['id', 'part "b"']);
  });

  it('two finishers at once (a retried attempt): one builds the key, the other waits and does nothing', async () => {
    const d = spec();
    await dst.createTable(d, schema);
    await dst.writeData(d, schema, rows(1, 20_000));
    const other = postgresConnector.createDestination!(env) as PostgresDestination;
    try {
      const results = await Promise.all([dst.finishTable(d, schema), other.finishTable(d, schema)]);
      expect(results.map((r) => r.notes.length).sort()).toEqual([0, 1]);
    } finally {
      await other.disconnect();
    }
    expect(await keyState(d.table)).toEqual({ primaryKey: ['id', 'part "b"'], comment: OWNER_MARKER });
  });

  it('a single integer key: the tally taken during the build has the exact key sum; readers are not locked out meanwhile', async () => {
    const intSchema: TableSchema = { ...schema, columns: [schema.columns[0], schema.columns[2]], key: ['id'] };
    const d = spec();
    await dst.createTable(d, intSchema);
    const n = 200_000;
    await dst.writeData(d, intSchema, Array.from({ length: n }, (_, i) => [(2n ** 53n + BigInt(i)).toString(), i]));
    // A reader started once the build holds its lock must not wait for the commit: it still sees no key.
    const building = dst.finishTable(d, intSchema, { tally: true });
    const locked = `SELECT count(*) AS n FROM pg_locks WHERE relation = $1::regclass AND granted AND mode IN ('ShareRowExclusiveLock', 'AccessExclusiveLock')`;
    while ((await admin.query(locked, [quoted(d.table)])).rows[0].n === '0') await new Promise((r) => setTimeout(r, 2));
    const reading = admin.query(
      `SELECT count(*) AS n, (SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS keys FROM ${quoted(d.table)}`,
      [quoted(d.table)],
    );
    const [{ notes, tally }, read] = await Promise.all([building, reading]);
    expect(read.rows[0]).toEqual({ n: String(n), keys: '0' });
    expect(notes[0]).toMatch(/^primary key \(id\) of /);
    const sum = (2n ** 53n * BigInt(n) + BigInt((n * (n - 1)) / 2)).toString();
    expect(tally).toEqual({ rows: n, keySum: sum });
    expect(await dst.tally(d, intSchema)).toEqual(tally);
    expect((await keyState(d.table)).primaryKey).toEqual(['id']);
  });

  it('two createTable calls at once: one creates and marks it, the other accepts the existing table', async () => {
    const d = spec();
    const other = postgresConnector.createDestination!(env) as PostgresDestination;
    try {
      const results = await Promise.all([dst.createTable(d, schema), other.createTable(d, schema)]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      for (const r of results) expect(r.warnings.join('\n')).not.toMatch(/unique index/);
    } finally {
      await other.disconnect();
    }
    expect(await keyState(d.table)).toEqual({ primaryKey: null, comment: pendingKeyMarker(schema.key) });
  });
});

describe('upsert', () => {
  it('gets the key at create, marked as ours; finishTable is a no-op', async () => {
    const d = spec('upsert');
    expect(await dst.createTable(d, schema)).toMatchObject({ created: true });
    expect(await keyState(d.table)).toEqual({ primaryKey: ['id', 'part "b"'], comment: OWNER_MARKER });
    expect(await dst.finishTable(d, schema)).toEqual({ notes: [], tally: null });
  });

  it('into a table an earlier append run left marked: createTable builds the key first', async () => {
    const d = spec();
    await dst.createTable(d, schema);
    await dst.writeData(d, schema, rows(1, 50));
    const u = { ...d, options: { write_mode: 'upsert' } };
    const res = await dst.createTable(u, schema);
    expect(res.created).toBe(false);
    expect(res.warnings.join('\n')).toMatch(/primary key \(id, part "b"\) of .* built before upserting in \d+\.\d s/);
    expect(await keyState(d.table)).toEqual({ primaryKey: ['id', 'part "b"'], comment: OWNER_MARKER });
    await dst.writeData(u, schema, rows(41, 20));
    expect(await dst.countRows(d)).toBe(60);
  });
});

it('finishTable on a missing table is a PermanentError', async () => {
  await expect(dst.finishTable({ table: 'es_dk_missing_table' }, schema)).rejects.toBeInstanceOf(PermanentError);
});
