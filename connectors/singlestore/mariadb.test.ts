/** Integration tests against the MariaDB 10.11 stand-in at 127.0.0.1:3306 (root, no password, db `test`). */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TYPES_COLUMNS, ALL_TYPES_DDL, expectedRow, insertAllTypesRows } from '../../test/fixtures/all-types';
import { PermanentError, type KeyTuple, type Row, type TableSchema } from '../types';
import { SingleStoreSource, singlestoreConnector } from './index';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
const uniq = (p = 'es_t') => `${p}_${randomBytes(5).toString('hex')}`;

let admin: Connection;
let src: SingleStoreSource;
const created: string[] = [];
const warnings: string[] = [];

async function table(ddl: (name: string) => string, name = uniq()): Promise<string> {
  await admin.query(ddl(name));
  created.push(name);
  return name;
}

async function readAll(s: SingleStoreSource, spec: Parameters<SingleStoreSource['readData']>[0], schema: TableSchema, range = { after: null as KeyTuple | null, upTo: null as KeyTuple | null }, batchRows = 1000): Promise<Row[]> {
  const out: Row[] = [];
  for await (const batch of s.readData(spec, schema, range, { batchRows })) {
    expect(batch.length).toBeLessThanOrEqual(batchRows);
    out.push(...batch);
  }
  return out;
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, charset: 'utf8mb4', multipleStatements: false });
  src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: URL }, undefined, { warn: (m) => warnings.push(m) });
});

afterAll(async () => {
  for (const t of created) await admin.query(`DROP TABLE IF EXISTS \`${t.replace(/`/g, '``')}\``);
  await src?.disconnect();
  await admin?.end();
});

describe('connection', () => {
  it('identifies the server', async () => {
    expect((await src.testConnection()).server).toMatch(/^MariaDB 10\.11\.\d+$/);
  });
  it('bad credentials: clear error without the password or URL', async () => {
    const bad = singlestoreConnector.createSource!({ SINGLESTORE_URL: 'mysql://root:Sup3rS3cretPw@127.0.0.1:3306/test' });
    const err = await bad.testConnection().then(() => null, (e: Error) => e);
    await bad.disconnect();
    expect(err).toBeInstanceOf(PermanentError);
    expect(err!.message).toMatch(/authentication failed/);
    expect(err!.message).not.toMatch(/root|127\.0\.0\.1/);
    expect(err!.message).not.toContain('Sup3rS3cretPw');
    expect(err!.message).not.toContain('mysql://');
  });
  it('missing / malformed URL names the variable', () => {
    expect(() => singlestoreConnector.createSource!({}, 'eu')).toThrow(/SINGLESTORE_URL_EU is not set/);
    expect(() => singlestoreConnector.createSource!({ SINGLESTORE_URL: '::Sup3rS3cretPw' })).toThrow(/SINGLESTORE_URL is not a valid URL/);
  });
  it('unreachable server is a retryable error without the password', async () => {
    const s = singlestoreConnector.createSource!({ SINGLESTORE_URL: 'mysql://root:Sup3rS3cretPw@127.0.0.1:1/test' });
    const err = await s.testConnection().then(() => null, (e: Error) => e);
    await s.disconnect();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(err!.message).not.toContain('Sup3rS3cretPw');
  });
});

describe('schema and keys', () => {
  it('lists base tables and maps the all-types schema', async () => {
    const t = await table(ALL_TYPES_DDL);
    const v = uniq('es_v');
    await admin.query(`CREATE VIEW \`${v}\` AS SELECT id FROM \`${t}\``);
    try {
      const tables = await src.getTables();
      expect(tables).toContain(t);
      expect(tables).not.toContain(v);
    } finally {
      await admin.query(`DROP VIEW \`${v}\``);
    }
    const s = await src.getSchema({ table: t });
    expect(s.key).toEqual(['id']);
    expect(s.keySource).toBe('primary');
    expect(s.columns.map((c) => c.name)).toEqual([...ALL_TYPES_COLUMNS]);
    const type = (n: string) => s.columns.find((c) => c.name === n)!.type;
    expect(type('bu')).toEqual({ kind: 'int', bits: 64, unsigned: true });
    expect(type('mi')).toEqual({ kind: 'int', bits: 24, unsigned: false });
    expect(type('bo')).toEqual({ kind: 'boolean' });
    expect(type('js')).toEqual({ kind: 'json' });
    expect(type('en')).toEqual({ kind: 'enum', values: ['small', 'medium', 'large', "it's"] });
    expect(type('tstamp')).toEqual({ kind: 'datetime', fsp: 6, utc: true });
    expect(type('dt0')).toEqual({ kind: 'datetime', fsp: 0, utc: false });
    expect(type('tm')).toEqual({ kind: 'time', fsp: 6 });
    expect(type('bt')).toEqual({ kind: 'bit', bits: 12 });
    expect(type('d65')).toEqual({ kind: 'decimal', precision: 65, scale: 30 });
    expect(type('ch')).toEqual({ kind: 'string', maxLength: 10, fixedLength: true });
    expect(s.columns.find((c) => c.name === 'ts_main')!.nullable).toBe(false);
  });
  it('falls back to a NOT NULL unique key; skips nullable ones', async () => {
    const t = await table((n) => `CREATE TABLE \`${n}\` (a INT NULL, b VARCHAR(20) NOT NULL, c INT NOT NULL, UNIQUE KEY ua (a), UNIQUE KEY ubc (b, c))`);
    expect(await src.getSchema({ table: t })).toMatchObject({ key: ['b', 'c'], keySource: 'unique' });
  });
  it('no key → PermanentError; order_by overrides and is validated', async () => {
    const t = await table((n) => `CREATE TABLE \`${n}\` (a INT NOT NULL, b INT NULL)`);
    await expect(src.getSchema({ table: t })).rejects.toThrow(
      `table \`${t}\` has no primary key or non-null unique key; set source_config.order_by to a unique column list`,
    );
    expect(await src.getSchema({ table: t, orderBy: ['a'] })).toMatchObject({ key: ['a'], keySource: 'user' });
    await expect(src.getSchema({ table: t, orderBy: ['nope'] })).rejects.toThrow(/source_config\.order_by names column `nope`/);
    expect(await src.getSchema({ table: t, orderBy: ['b'] })).toMatchObject({ key: ['b'] }); // empty: no NULLs yet
    await admin.query(`INSERT INTO \`${t}\` VALUES (1, NULL)`);
    await expect(src.getSchema({ table: t, orderBy: ['b'] })).rejects.toThrow(/must be non-null/);
  });
  it('missing table → PermanentError', async () => {
    await expect(src.getSchema({ table: 'es_t_missing_zz' })).rejects.toThrow('source table `es_t_missing_zz` does not exist in database `test`');
    await expect(src.getSchema({ table: 'es_t_missing_zz' })).rejects.toBeInstanceOf(PermanentError);
  });
  it('handles identifiers with backticks, quotes and semicolons', async () => {
    const t = await table((n) => `CREATE TABLE \`${n.replace(/`/g, '``')}\` (\`we\`\`ird;"'\` INT NOT NULL PRIMARY KEY, v VARCHAR(5))`, `es_t_${randomBytes(3).toString('hex')}\`;'"x`);
    await admin.query(`INSERT INTO \`${t.replace(/`/g, '``')}\` VALUES (1,'a'),(2,'b'),(3,'c')`);
    const s = await src.getSchema({ table: t });
    expect(s.key).toEqual(['we`ird;"\'']);
    expect(await src.countRows({ table: t }, s, { after: [1], upTo: null })).toBe(2);
    expect(await readAll(src, { table: t }, s, { after: null, upTo: null }, 2)).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
  });
});

describe('query sources', () => {
  let t: string;
  beforeAll(async () => {
    t = await table(ALL_TYPES_DDL);
    await insertAllTypesRows(admin, t, 200);
  });
  it('types from field packets, JSON and enum from the table, key from the table', async () => {
    const spec = { table: t, query: `SELECT id, js, en, bu, d20, ts_main, vc FROM \`${t}\` WHERE id % 2 = 0;` };
    const s = await src.getSchema(spec);
    expect(s.key).toEqual(['id']);
    expect(s.columns.map((c) => [c.name, c.type.kind])).toEqual([
      ['id', 'int'], ['js', 'json'], ['en', 'enum'], ['bu', 'int'], ['d20', 'decimal'], ['ts_main', 'datetime'], ['vc', 'string'],
    ]);
    expect(await src.countRows(spec, s)).toBe(100);
    const rows = await readAll(src, spec, s, { after: ['100'], upTo: ['150'] }, 7);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 25 }, (_, k) => String(102 + 2 * k)));
    for (const r of rows) {
      const e = expectedRow(Number(r[0]));
      const idx = (n: string) => ALL_TYPES_COLUMNS.indexOf(n as (typeof ALL_TYPES_COLUMNS)[number]);
      expect(r).toEqual(['id', 'js', 'en', 'bu', 'd20', 'ts_main', 'vc'].map((n) => e[idx(n)]));
    }
  });
  it('without a table: MariaDB extended metadata marks JSON; needs order_by', async () => {
    const q = `WITH x AS (SELECT id, JSON_OBJECT('k', id) AS j FROM \`${t}\`) SELECT id, j FROM x -- tail`;
    await expect(src.getSchema({ query: q })).rejects.toThrow(/no primary key or non-null unique key/);
    const s = await src.getSchema({ query: q, orderBy: ['id'] });
    expect(s.columns.map((c) => c.type.kind)).toEqual(['int', 'json']);
    const b = await src.planBoundaries({ query: q, orderBy: ['id'] }, s, 60);
    expect(b).toEqual([['60'], ['120'], ['180']]);
  });
  it('rejects invalid and non-read-only SQL with the error class (the server text goes to the log)', async () => {
    await expect(src.getSchema({ query: 'SELECT nope FROM es_t_missing_zz' })).rejects.toThrow(/source_config\.query failed: a table it names does not exist \(1146\)/);
    await expect(src.getSchema({ query: `SELECT * FROM \`${t}\` FOR UPDATE` })).rejects.toThrow(/source_config\.query must be read-only/);
    await expect(src.getSchema({ query: `SELECT 1; DROP TABLE \`${t}\`` })).rejects.toBeInstanceOf(PermanentError);
    await expect(src.getSchema({ query: 'SELEC 1' })).rejects.toThrow(/source_config\.query/);
  });
});

describe('reading the all-types table', () => {
  const N = 10_000;
  let t: string;
  let schema: TableSchema;
  beforeAll(async () => {
    t = await table(ALL_TYPES_DDL);
    await insertAllTypesRows(admin, t, N);
    schema = await src.getSchema({ table: t });
  });
  it('counts, plans boundaries and reassembles every row exactly', async () => {
    expect(await src.countRows({ table: t }, schema)).toBe(N);
    const bounds = await src.planBoundaries({ table: t }, schema, 1500);
    expect(bounds).toEqual([1500, 3000, 4500, 6000, 7500, 9000].map((n) => [String(n)]));
    const ranges = [null, ...bounds].map((after, i) => ({ after, upTo: bounds[i] ?? null }));
    const seen: Row[] = [];
    for (const range of ranges) {
      const rows = await readAll(src, { table: t }, schema, range, 700);
      expect(rows.length).toBe(await src.countRows({ table: t }, schema, range));
      seen.push(...rows);
    }
    expect(seen.length).toBe(N);
    seen.forEach((row, k) => {
      const id = k + 1;
      expect(row[0]).toBe(String(id)); // key order, no gaps or duplicates
      expect(row, `row ${id}`).toEqual(expectedRow(id));
    });
    expect(warnings).toEqual([]);
  });
  it('stops with an abort error when the signal is aborted (a cut-short range must never look finished)', async () => {
    const ac = new AbortController();
    let batches = 0;
    const read = async () => {
      for await (const _ of src.readData({ table: t }, schema, { after: null, upTo: null }, { batchRows: 100, signal: ac.signal })) {
        batches++;
        ac.abort();
      }
    };
    await expect(read()).rejects.toThrow();
    expect(batches).toBe(1);
  });
});

describe('composite keys and special values', () => {
  it('pages a composite key with string and binary parts in key order', async () => {
    const t = await table((n) => `CREATE TABLE \`${n}\` (g INT NOT NULL, s VARCHAR(10) NOT NULL, h VARBINARY(4) NOT NULL, v INT, PRIMARY KEY (g, s, h)) CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    const vals: unknown[][] = [];
    for (let g = 0; g < 7; g++) for (const s of ['a', 'b', "c'"]) for (const h of [0, 255]) vals.push([g, s, Buffer.from([h, 1]), g * 100 + h]);
    await admin.query(`INSERT INTO \`${t}\` VALUES ?`, [vals]);
    const schema = await src.getSchema({ table: t });
    expect(schema.key).toEqual(['g', 's', 'h']);
    const bounds = await src.planBoundaries({ table: t }, schema, 5);
    expect(bounds[0]).toEqual([0, "c'", '0001']);
    expect(bounds).toHaveLength(Math.floor(vals.length / 5));
    const ranges = [null, ...bounds].map((after, i) => ({ after, upTo: bounds[i] ?? null }));
    const all: Row[] = [];
    for (const r of ranges) all.push(...(await readAll(src, { table: t }, schema, r, 2)));
    expect(all.map((r) => [r[0], r[1], Buffer.from(r[2] as Uint8Array).toString('hex'), r[3]])).toEqual(
      vals.map((v) => [v[0], v[1], (v[2] as Buffer).toString('hex'), v[3]]),
    );
  });
  it('zero dates: NULL with a warning in nullable columns, PermanentError in NOT NULL ones', async () => {
    const t = await table((n) => `CREATE TABLE \`${n}\` (id INT PRIMARY KEY, d DATE NULL, dt DATETIME NOT NULL)`);
    await admin.query("SET SESSION sql_mode = ''");
    await admin.query(`INSERT INTO \`${t}\` VALUES (1, '0000-00-00', '2020-01-01 00:00:00'), (2, '2020-02-03', '0000-00-00 00:00:00')`);
    const schema = await src.getSchema({ table: t });
    warnings.length = 0;
    expect(await readAll(src, { table: t }, schema, { after: null, upTo: [1] })).toEqual([[1, null, '2020-01-01 00:00:00']]);
    expect(warnings).toHaveLength(1);
    await expect(readAll(src, { table: t }, schema)).rejects.toThrow(/NOT NULL column `dt` holds the zero date/);
  });
  it('reads FLOAT exactly and geometry as WKT', async () => {
    const t = await table((n) => `CREATE TABLE \`${n}\` (id INT PRIMARY KEY, f FLOAT, g GEOMETRY NULL)`);
    await admin.query(`INSERT INTO \`${t}\` VALUES (1, 16777216.5, POINT(1, 2)), (2, 1.1, NULL)`);
    const schema = await src.getSchema({ table: t });
    expect(await readAll(src, { table: t }, schema)).toEqual([[1, 16777216, 'POINT(1 2)'], [2, Math.fround(1.1), null]]);
  });
});
