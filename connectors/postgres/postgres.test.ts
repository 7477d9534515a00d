/**
 * Integration tests: MariaDB (127.0.0.1:3306, the SingleStore source's stand-in) → PostgreSQL 15
 * (127.0.0.1:5432, trust auth, db `test`), and PostgreSQL as a source.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TYPES_COLUMNS, ALL_TYPES_DDL, expectedRow, insertAllTypesRows } from '../../test/fixtures/all-types';
import { SingleStoreSource } from '../singlestore';
import { PermanentError, type DestinationSpec, type KeyTuple, type Row, type TableSchema, type Value } from '../types';
import { readConfig } from './config';
import { PostgresDestination, PostgresSource, postgresConnector } from './index';
import { openPool } from './pool';
import { normalizeFraction } from './values';

const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = 10_000;
const uniq = (p = 'es_pg') => `${p}_${randomBytes(5).toString('hex')}`;

let maria: Connection;
let admin: pg.Pool;
let mysqlSrc: SingleStoreSource;
let dst: PostgresDestination;
let src: PostgresSource;
let mariaTable: string;
let mariaSchema: TableSchema;
const pgTables: string[] = [];
const schemas: string[] = [];

const spec = (table: string, options?: DestinationSpec['options'], namespace?: string): DestinationSpec => {
  pgTables.push(`${namespace ?? 'public'}.${table}`);
  return { table, namespace, options };
};
const q = async (sql: string, values: unknown[] = []) => (await admin.query({ text: sql, values, rowMode: 'array' })).rows as unknown[][];

async function readAllMaria(range = { after: null as KeyTuple | null, upTo: null as KeyTuple | null }, batchRows = 2000): Promise<Row[][]> {
  const out: Row[][] = [];
  for await (const b of mysqlSrc.readData({ table: mariaTable }, mariaSchema, range, { batchRows })) out.push(b);
  return out;
}

async function copyMaria(d: DestinationSpec): Promise<{ rows: number; writeMs: number; totalMs: number }> {
  await dst.createTable(d, mariaSchema);
  const t0 = performance.now();
  let writeMs = 0;
  let rows = 0;
  for await (const b of mysqlSrc.readData({ table: mariaTable }, mariaSchema, { after: null, upTo: null }, { batchRows: 2000 })) {
    const w0 = performance.now();
    rows += await dst.writeData(d, mariaSchema, b);
    writeMs += performance.now() - w0;
  }
  return { rows, writeMs, totalMs: performance.now() - t0 };
}

const trimFrac = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** A PostgreSQL text value (as stored by the destination) against the fixture's canonical value. */
function checkStored(colName: string, got: unknown, exp: Value, id: number): void {
  const where = `id ${id} column ${colName}`;
  if (exp === null) return void expect(got, where).toBeNull();
  switch (colName) {
    case 'f': case 'dbl':
      return void expect(Number(got), where).toBe(exp);
    case 'ts_main': case 'dt0': case 'tstamp': {
      const s = String(got);
      expect(s.endsWith('+00'), where).toBe(colName === 'tstamp');
      return void expect(normalizeFraction(s.replace(/\+00$/, ''), colName === 'dt0' ? 0 : 6), where).toBe(exp);
    }
    case 'tm':
      return void expect(got, where).toBe(trimFrac(String(exp)));
    case 'js':
      return void expect(JSON.parse(String(got)), where).toEqual(JSON.parse(String(exp)));
    case 'bl': case 'vb':
      return void expect(Buffer.compare(got as Buffer, exp as Buffer), where).toBe(0);
    default:
      return void expect(got, where).toBe(String(exp));
  }
}

beforeAll(async () => {
  maria = await createConnection({ uri: MARIADB_URL, charset: 'utf8mb4' });
  mariaTable = uniq('es_pgsrc');
  await maria.query(ALL_TYPES_DDL(mariaTable));
  await insertAllTypesRows(maria, mariaTable, ROWS);
  mysqlSrc = SingleStoreSource.fromEnv({ SINGLESTORE_URL: MARIADB_URL }, undefined, { warn: () => undefined });
  mariaSchema = await mysqlSrc.getSchema({ table: mariaTable });
  admin = openPool(readConfig({ POSTGRES_URL: PG_URL }), false);
  dst = postgresConnector.createDestination!({ POSTGRES_URL: PG_URL }) as PostgresDestination;
  src = postgresConnector.createSource!({ POSTGRES_URL: PG_URL }) as PostgresSource;
});

afterAll(async () => {
  for (const t of pgTables) {
    const [ns, name] = [t.slice(0, t.indexOf('.')), t.slice(t.indexOf('.') + 1)];
    await admin?.query(`DROP TABLE IF EXISTS "${ns.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`);
  }
  for (const s of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await maria?.query(`DROP TABLE IF EXISTS \`${mariaTable}\``);
  await Promise.all([mysqlSrc?.disconnect(), dst?.disconnect(), src?.disconnect(), admin?.end(), maria?.end()]);
});

describe('connection', () => {
  it('identifies the server', async () => {
    expect((await dst.testConnection()).server).toMatch(/^PostgreSQL 15\.\d+$/);
  });
  it('unknown role: permanent error without the password', async () => {
    const bad = postgresConnector.createDestination!({ POSTGRES_URL: 'postgres://nobody_here:Sup3rS3cretPw@127.0.0.1:5432/test' });
    const err = await bad.testConnection().then(() => null, (e: Error) => e);
    await bad.disconnect();
    expect(err).toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/authentication failed/);
    expect(err!.message).not.toMatch(/nobody_here/); // the user name stays in the worker's log
    expect(err!.message).not.toContain('Sup3rS3cretPw');
  });
  it('unreachable server: retryable error without the password', async () => {
    const bad = postgresConnector.createSource!({ POSTGRES_URL: 'postgres://postgres:Sup3rS3cretPw@127.0.0.1:1/test' });
    const err = await bad.testConnection().then(() => null, (e: Error) => e);
    await bad.disconnect();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/cannot connect to PostgreSQL: cannot reach the database/);
    expect(err!.message).not.toMatch(/127\.0\.0\.1/);
    expect(err!.message).not.toContain('Sup3rS3cretPw');
  });
});

describe('destination: MariaDB all-types → PostgreSQL', () => {
  const table = uniq();
  const d = () => ({ table, options: { boolean_as: 'smallint' } });

  it('creates the table with exact types and copies 10,000 rows value for value', async () => {
    pgTables.push(`public.${table}`);
    const res = await dst.createTable(d(), mariaSchema);
    expect(res).toMatchObject({ target: `public.${table}`, created: true });
    expect(res.warnings.join('\n')).toMatch(/tm .*interval/);
    const types = new Map((await q(`SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0`, [table])).map((r) => [r[0], r[1]]));
    expect(Object.fromEntries(types)).toEqual({
      id: 'numeric(20,0)', ti: 'smallint', tu: 'smallint', si: 'smallint', su: 'integer', mi: 'integer', mu: 'integer', ii: 'integer', iu: 'bigint',
      bi: 'bigint', bu: 'numeric(20,0)', d20: 'numeric(20,6)', d65: 'numeric(65,30)', f: 'real', dbl: 'double precision', dt: 'date',
      ts_main: 'timestamp(6) without time zone', dt0: 'timestamp(0) without time zone', tstamp: 'timestamp(6) with time zone',
      ch: 'character varying(10)', vc: 'character varying(255)', tx: 'text', en: 'text', st: 'text', js: 'jsonb', bl: 'bytea', vb: 'bytea',
      bo: 'smallint', tm: 'interval(6)', yr: 'smallint', bt: 'bigint',
    });
    const { rows, writeMs, totalMs } = await (async () => {
      const t0 = performance.now();
      let writeMs = 0;
      let rows = 0;
      for await (const b of mysqlSrc.readData({ table: mariaTable }, mariaSchema, { after: null, upTo: null }, { batchRows: 2000 })) {
        const w0 = performance.now();
        rows += await dst.writeData(d(), mariaSchema, b);
        writeMs += performance.now() - w0;
      }
      return { rows, writeMs, totalMs: performance.now() - t0 };
    })();
    expect(rows).toBe(ROWS);
    // Loaded without the primary key (append into a new table); finishTable builds it.
    const hasPk = async () => (await q(`SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [table]))[0][0];
    expect(await hasPk()).toBe('0');
    expect((await dst.finishTable(d(), mariaSchema)).notes[0]).toMatch(/^primary key \(id\) of public\.\w+ built after the load in \d+\.\d s$/);
    expect(await hasPk()).toBe('1');
    console.log(`[postgres] all-types COPY: ${ROWS} rows in ${writeMs.toFixed(0)} ms of writeData = ${Math.round(ROWS / (writeMs / 1000))} rows/s (end to end from MariaDB ${Math.round(ROWS / (totalMs / 1000))} rows/s)`);
    expect(await dst.countRows(d())).toBe(ROWS);

    const cols = ALL_TYPES_COLUMNS.map((c) => `"${c}"`).join(', ');
    const back = await q(`SELECT ${cols} FROM "${table}" ORDER BY id`);
    expect(back).toHaveLength(ROWS);
    back.forEach((r, i) => {
      const exp = expectedRow(i + 1);
      ALL_TYPES_COLUMNS.forEach((c, k) => checkStored(c, r[k], exp[k], i + 1));
    });
    // Exactness spot checks done by PostgreSQL itself.
    const [x] = await q(
      `SELECT bu = 0, bi = -9223372036854775808, d65 = -99999999999999999999999999999999999.999999999999999999999999999999,
              tstamp = '1970-01-01 00:00:01+00'::timestamptz, tm = interval '-838:59:59', bo = -128, dt = '1000-01-01' FROM "${table}" WHERE id = 1`,
    );
    expect(x).toEqual(['t', 't', 't', 't', 't', 't', 't']);
    const [y] = await q(
      `SELECT js = $1::jsonb, js->'nested'->>'big', tstamp = '2038-01-19 03:14:07.999999+00', bu = 18446744073709551615, tm = interval '838:59:59'
         FROM "${table}" WHERE id = 2`,
      [expectedRow(2)[24]],
    );
    expect(y).toEqual(['t', '123456789012345678901234567890', 't', 't', 't']);
    const [z] = await q(`SELECT js = $1::jsonb, js->'nested'->>'big' FROM "${table}" WHERE id = 3 OR id = 6 ORDER BY id DESC LIMIT 1`, [expectedRow(6)[24]]);
    expect(z).toEqual(['t', '12345678901234567890123']);
  });

  it('landedRows: full, partial and empty ranges with canonical keys', async () => {
    expect(await dst.landedRows(d(), mariaSchema, { after: null, upTo: null })).toEqual({ rows: ROWS, lastKey: [String(ROWS)] });
    expect(await dst.landedRows(d(), mariaSchema, { after: ['100'], upTo: ['250'] })).toEqual({ rows: 150, lastKey: ['250'] });
    expect(await dst.landedRows(d(), mariaSchema, { after: ['9990'], upTo: null })).toEqual({ rows: 10, lastKey: ['10000'] });
    expect(await dst.landedRows(d(), mariaSchema, { after: null, upTo: ['0'] })).toEqual({ rows: 0, lastKey: null });
    expect(await dst.landedRows(d(), mariaSchema, { after: [String(ROWS)], upTo: ['18446744073709551615'] })).toEqual({ rows: 0, lastKey: null });
  });

  it('append: a re-sent batch fails as a whole (retryable) and duplicates nothing', async () => {
    const [batch] = await readAllMaria({ after: ['4990'], upTo: ['5010'] });
    const err = await dst.writeData(d(), mariaSchema, batch).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/constraint was violated \(23505\)/);
    expect(await dst.countRows(d())).toBe(ROWS);
  });

  it('createTable again is a no-op; an incompatible table is a PermanentError naming the difference', async () => {
    expect(await dst.createTable(d(), mariaSchema)).toMatchObject({ created: false });
    const other = uniq();
    await admin.query(`CREATE TABLE "${other}" (id numeric(20,0) PRIMARY KEY, ti integer, vc character varying(5))`);
    pgTables.push(`public.${other}`);
    const err = await dst.createTable({ table: other }, mariaSchema).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/column vc is character varying\(5\), expected character varying\(255\)/);
    expect(err!.message).toMatch(/column tu \(smallint\) is missing/);
    expect(err!.message).not.toMatch(/column ti/); // integer holds smallint values
    await expect(dst.writeData({ table: uniq('es_pg_missing') }, mariaSchema, [expectedRow(1)])).rejects.toThrow(/does not exist \(createTable first\)/);
  });

  it('boolean (default): 0/1 land as false/true; another TINYINT(1) value fails naming column and key', async () => {
    const ns = uniq('es_pg_ns');
    schemas.push(ns);
    const b = spec(uniq(), undefined, ns);
    const res = await dst.createTable(b, mariaSchema);
    expect(res.target).toBe(`${ns}.${b.table}`);
    expect(res.warnings.join('\n')).toMatch(/bo .*boolean_as=smallint/);
    const [batch] = await readAllMaria({ after: ['2'], upTo: ['500'] });
    expect(await dst.writeData(b, mariaSchema, batch)).toBe(498);
    const bools = await q(`SELECT id, bo FROM "${ns}"."${b.table}" WHERE id IN (3, 4, 5) ORDER BY id`);
    expect(bools).toEqual([['3', null], ['4', 'f'], ['5', 't']]);
    const [first] = await readAllMaria({ after: null, upTo: ['2'] });
    const err = await dst.writeData(b, mariaSchema, first).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/column bo \(tinyint\(1\)\) of the row with id="1" holds -128/);
  });

  it('upsert: re-sent rows overwrite instead of duplicating', async () => {
    const u = spec(uniq(), { write_mode: 'upsert', boolean_as: 'smallint' });
    await dst.createTable(u, mariaSchema);
    const batches = await readAllMaria({ after: null, upTo: ['3000'] }, 1000);
    for (const b of batches) await dst.writeData(u, mariaSchema, b);
    const t0 = performance.now();
    for (const b of batches) await dst.writeData(u, mariaSchema, b);
    const ms = performance.now() - t0;
    console.log(`[postgres] upsert (all conflicts) of 3000 all-types rows: ${Math.round(3000 / (ms / 1000))} rows/s`);
    const changed = batches[0].map((r) => r.map((v, k) => (ALL_TYPES_COLUMNS[k] === 'vc' ? 'changed' : v)));
    await dst.writeData(u, mariaSchema, changed);
    expect(await dst.countRows(u)).toBe(3000);
    expect(await q(`SELECT count(*) FROM "${u.table}" WHERE vc = 'changed'`)).toEqual([['1000']]);
    expect(await dst.landedRows(u, mariaSchema, { after: ['1000'], upTo: ['2000'] })).toEqual({ rows: 1000, lastKey: ['2000'] });
  });

  it('replace: createTable empties an existing table', async () => {
    const r = spec(uniq(), { boolean_as: 'smallint' });
    await dst.createTable(r, mariaSchema);
    const [batch] = await readAllMaria({ after: null, upTo: ['50'] });
    await dst.writeData(r, mariaSchema, batch);
    const res = await dst.createTable({ ...r, options: { boolean_as: 'smallint', write_mode: 'replace' } }, mariaSchema);
    expect(res).toMatchObject({ created: false });
    expect(await dst.countRows(r)).toBe(0);
    expect(await dst.writeData({ ...r, options: { boolean_as: 'smallint', write_mode: 'replace' } }, mariaSchema, batch)).toBe(50);
  });

  it('composite string keys: ranges and max key in code-point order', async () => {
    const schema: TableSchema = {
      name: 'k',
      columns: [
        { name: 'k', type: { kind: 'string', maxLength: 20 }, nullable: false, sourceType: 'varchar(20)' },
        { name: 'n', type: { kind: 'int', bits: 32, unsigned: false }, nullable: false, sourceType: 'int' },
        { name: 'h', type: { kind: 'binary' }, nullable: true, sourceType: 'blob' },
      ],
      key: ['k', 'n'],
      keySource: 'primary',
    };
    const c = spec(uniq());
    const res = await dst.createTable(c, schema);
    expect(res.warnings.join()).toMatch(/COLLATE "C"/);
    // Code-point order: 'B' < 'a' < 'b' < 'é' < '😀'.
    const rows: Row[] = ['B', 'a', 'b', 'é', '😀'].flatMap((k) => [1, 2].map((n) => [k, n, Buffer.from(k)]));
    await dst.writeData(c, schema, rows);
    expect(await dst.landedRows(c, schema, { after: null, upTo: null })).toEqual({ rows: 10, lastKey: ['😀', 2] });
    expect(await dst.landedRows(c, schema, { after: ['B', 2], upTo: ['b', 1] })).toEqual({ rows: 3, lastKey: ['b', 1] });
    expect(await dst.landedRows(c, schema, { after: ['a', 1], upTo: ['é', 1] })).toEqual({ rows: 4, lastKey: ['é', 1] });
  });
});

describe('source: PostgreSQL', () => {
  const table = uniq();
  let schema: TableSchema;

  beforeAll(async () => {
    const d = spec(table, { boolean_as: 'smallint' });
    await dst.createTable(d, mariaSchema);
    for (const b of await readAllMaria()) await dst.writeData(d, mariaSchema, b);
    await dst.finishTable(d, mariaSchema);
  });

  /** Canonical values after a trip through PostgreSQL: widened ints become 64-bit strings, TIME became interval text. */
  const roundTripped = (id: number): Value[] =>
    expectedRow(id).map((v, k) => {
      const c = ALL_TYPES_COLUMNS[k];
      if (v === null) return v;
      if (c === 'iu') return String(v);
      if (c === 'tm') return trimFrac(String(v));
      return v;
    });

  it('lists tables and maps the schema with the primary key', async () => {
    expect(await src.getTables()).toContain(table);
    schema = await src.getSchema({ table });
    expect(schema.key).toEqual(['id']);
    expect(schema.keySource).toBe('primary');
    const t = Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
    expect(t.id).toEqual({ kind: 'decimal', precision: 20, scale: 0 });
    expect(t.tstamp).toEqual({ kind: 'datetime', fsp: 6, utc: true });
    expect(t.dt0).toEqual({ kind: 'datetime', fsp: 0, utc: false });
    expect(t.js).toEqual({ kind: 'json' });
    expect(t.tm).toEqual({ kind: 'string' });
    expect(t.f).toEqual({ kind: 'float', bits: 32 });
    expect(schema.columns.find((c) => c.name === 'ts_main')!.nullable).toBe(false);
  });

  it('plans boundaries and reads every row exactly once with canonical values', async () => {
    expect(await src.countRows({ table }, schema)).toBe(ROWS);
    const bounds = await src.planBoundaries({ table }, schema, 1500);
    expect(bounds).toEqual([1500, 3000, 4500, 6000, 7500, 9000].map((n) => [String(n)]));
    const edges: Array<KeyTuple | null> = [null, ...bounds, null];
    const seen: Row[] = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      const range = { after: edges[i], upTo: edges[i + 1] };
      const n = await src.countRows({ table }, schema, range);
      let got = 0;
      for await (const b of src.readData({ table }, schema, range, { batchRows: 700 })) {
        expect(b.length).toBeLessThanOrEqual(700);
        got += b.length;
        seen.push(...b);
      }
      expect(got).toBe(n);
    }
    expect(seen).toHaveLength(ROWS);
    seen.forEach((r, i) => {
      const exp = roundTripped(i + 1);
      ALL_TYPES_COLUMNS.forEach((c, k) => {
        if (c === 'js' && exp[k] !== null) expect(JSON.parse(String(r[k]))).toEqual(JSON.parse(String(exp[k])));
        else expect(r[k], `id ${i + 1} ${c}`).toEqual(exp[k]);
      });
    });
  });

  it('incremental: maxValue and cursor windows (parameters, not literals)', async () => {
    expect(await src.maxValue({ table }, schema, 'ts_main')).toBe('2099-12-31 23:59:59.999999');
    expect(await src.maxValue({ table }, schema, 'id')).toBe(String(ROWS));
    const w = { table, window: { column: 'id', after: '100', upTo: '350' } };
    expect(await src.maxValue(w, schema, 'id')).toBe('350');
    expect(await src.countRows(w, schema)).toBe(250);
    // An inclusive lower bound (incremental runs read their previous mark again).
    expect(await src.countRows({ table, window: { column: 'id', after: null, from: '100', upTo: '350' } }, schema)).toBe(251);
    expect(await src.countRows(w, schema, { after: ['300'], upTo: null })).toBe(50);
    expect(await src.planBoundaries(w, schema, 100)).toEqual([['200'], ['300']]);
    const got: Row[] = [];
    for await (const b of src.readData(w, schema, { after: ['340'], upTo: null }, { batchRows: 4 })) got.push(...b);
    expect(got.map((r) => r[0])).toEqual(['341', '342', '343', '344', '345', '346', '347', '348', '349', '350']);
    const tw = { table, window: { column: 'tstamp', after: "2000-01-01 00:00:00' OR true --", upTo: null } };
    await expect(src.countRows(tw, schema)).rejects.toThrow(PermanentError);
    expect(await src.maxValue({ table, window: { column: 'id', after: '20000', upTo: null } }, schema, 'id')).toBeNull();
    await expect(src.maxValue({ table }, schema, 'nope')).rejects.toThrow(/cursor_column "nope"/);
  });

  it('stops with an abort error when the signal is aborted (a cut-short range must never look finished)', async () => {
    const ac = new AbortController();
    let batches = 0;
    const read = async () => {
      for await (const _ of src.readData({ table }, schema, { after: null, upTo: null }, { batchRows: 100, signal: ac.signal })) {
        batches++;
        ac.abort();
      }
    };
    await expect(read()).rejects.toThrow();
    expect(batches).toBe(1);
  });

  it('reads a query source keyed by its table, or by order_by; refuses without a key', async () => {
    const qs = await src.getSchema({ table, query: `SELECT id, vc, tstamp FROM "${table}" WHERE id <= 100` });
    expect(qs.key).toEqual(['id']);
    const rows: Row[] = [];
    for await (const b of src.readData({ table, query: `SELECT id, vc, tstamp FROM "${table}" WHERE id <= 100` }, qs, { after: ['50'], upTo: null }, { batchRows: 20 })) rows.push(...b);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(51 + i)));
    expect(rows[0]).toEqual(['51', expectedRow(51)[20], expectedRow(51)[18]]);
    const ob = await src.getSchema({ query: `SELECT vc AS label, id * 2 AS k FROM "${table}"`, orderBy: ['k'] });
    expect(ob).toMatchObject({ key: ['k'], keySource: 'user' });
    await expect(src.getSchema({ query: `SELECT vc FROM "${table}"` })).rejects.toThrow(/source_config\.order_by/);
    await expect(src.getSchema({ query: 'SELECT nope FROM nowhere' })).rejects.toThrow(PermanentError);
    await expect(src.getSchema({ query: 'SELECT 1; DROP TABLE x' })).rejects.toThrow(/single statement/);
  });

  it('sessions are read-only: a query cannot write even through a function', async () => {
    const seq = uniq('es_pg_seq');
    await admin.query(`CREATE SEQUENCE "${seq}"`);
    try {
      const err = await src.getSchema({ query: `SELECT nextval('"${seq}"') AS k`, orderBy: ['k'] }).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect(err!.message).toMatch(/read-only/);
    } finally {
      await admin.query(`DROP SEQUENCE "${seq}"`);
    }
  });

  it('missing table and missing key are PermanentErrors', async () => {
    await expect(src.getSchema({ table: uniq('es_pg_none') })).rejects.toThrow(/does not exist/);
    const nokey = uniq();
    pgTables.push(`public.${nokey}`);
    await admin.query(`CREATE TABLE "${nokey}" (a int, b text)`);
    await expect(src.getSchema({ table: nokey })).rejects.toThrow(/source_config\.order_by/);
    expect(await src.getSchema({ table: nokey, orderBy: ['a'] })).toMatchObject({ key: ['a'], keySource: 'user' });
  });
});

describe('throughput (narrow rows)', () => {
  const N = Number(process.env.PG_BENCH_ROWS ?? 200_000);
  const schema: TableSchema = {
    name: 'narrow',
    columns: [
      { name: 'id', type: { kind: 'int', bits: 64, unsigned: false }, nullable: false, sourceType: 'bigint' },
      { name: 'v', type: { kind: 'int', bits: 32, unsigned: false }, nullable: true, sourceType: 'int' },
      { name: 's', type: { kind: 'string', maxLength: 32 }, nullable: true, sourceType: 'varchar(32)' },
      { name: 'ts', type: { kind: 'datetime', fsp: 0, utc: false }, nullable: true, sourceType: 'datetime' },
    ],
    key: ['id'],
    keySource: 'primary',
  };
  const batchRows = 10_000;
  const batch = (from: number): Row[] =>
    Array.from({ length: batchRows }, (_, i) => [String(from + i), (from + i) % 1000, `name ${from + i}`, '2024-01-02 03:04:05']);

  it.each(['append', 'upsert'] as const)(`%s ${N} narrow rows`, async (mode) => {
    const n = mode === 'upsert' ? Math.min(N, 100_000) : N;
    const d = spec(uniq(), { write_mode: mode });
    await dst.createTable(d, schema);
    let ms = 0;
    for (let from = 1; from <= n; from += batchRows) {
      const rows = batch(from);
      const t0 = performance.now();
      await dst.writeData(d, schema, rows);
      ms += performance.now() - t0;
    }
    console.log(`[postgres] ${mode} COPY of ${n} narrow rows (batches of ${batchRows}): ${Math.round(n / (ms / 1000))} rows/s`);
    expect(await dst.countRows(d)).toBe(n);
  });
});
