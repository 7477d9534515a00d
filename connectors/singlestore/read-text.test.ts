/**
 * The packed path against real MariaDB: for the same range and page size it must produce exactly
 * the values, batch bounds and cursors of the row path. Packed rows are turned back into canonical
 * values by the TextBatch contract (packed-forms.ts unpackRows), so every packed form (text, raw
 * bytes, BIT bytes, epoch seconds) is checked against the row path's converters.
 */
import { createHash } from 'node:crypto';
import { createConnection, type Connection, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TYPES_COLUMNS, ALL_TYPES_DDL, insertAllTypesRows } from '../../test/fixtures/all-types';
import { uniqueName } from '../../test/support/mariadb';
import { fieldBytes, unpackRows } from '../packed-forms';
import { PermanentError, type KeyRange, type Row, type TableSchema } from '../types';
import { readConfig } from './config';
import type { Flavor, Queryable, RawRowStream } from './flavor';
import { SingleStoreSource } from './index';
import { openPool } from './pool';
import { takeRawRows } from './raw-rows';
import { readData, type ReadContext } from './read';
import { PAGE_BYTES, readText } from './read-text';
import { describeSource } from './schema';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
let admin: Connection;
const created: string[] = [];
const warnings: string[] = [];
const pools: Pool[] = [];

async function exec(sql: string, params: unknown[] = []) {
  await admin.query(sql, params);
}

async function tableFrom(ddl: string, name = uniqueName('es_txt')): Promise<string> {
  await exec(ddl.replace('$T', `\`${name}\``));
  created.push(name);
  return name;
}

/**
 * A reader as the connector builds one, with a chosen flavor (MariaDB answers the SingleStore
 * expressions used here: UNIX_TIMESTAMP) and optionally a session sql_mode.
 */
function reader(flavor: Flavor = 'mariadb', sqlMode?: string): { ctx: ReadContext; stream: RawRowStream } {
  const pool = openPool(readConfig({ SINGLESTORE_URL: URL }));
  if (sqlMode !== undefined) pool.pool.on('connection', (conn) => conn.query(`SET SESSION sql_mode = '${sqlMode}'`, () => undefined));
  pools.push(pool);
  const stream: RawRowStream = (sql, params, onRow) =>
    new Promise((resolve, reject) => {
      const query = pool.pool.query({ sql }, params);
      const taken = takeRawRows(query, onRow);
      query.on('error', reject);
      query.once('end', () => (taken.failed() === undefined ? resolve() : reject(taken.failed())));
    });
  return { ctx: { db: pool as unknown as Queryable, flavor, warn: (m) => warnings.push(m) }, stream };
}

interface Batch {
  rows: Row[];
  lastKey: unknown;
}

/** Both paths over a range; returns what each produced, as canonical rows. */
async function both(table: string, range: KeyRange, batchRows: number, r = reader()) {
  const spec = { table };
  const schema = await describeSource(r.ctx.db, 'test', spec, r.ctx.flavor);
  const text: Batch[] = [];
  for await (const b of readText(r.ctx, r.stream, spec, schema, range, { batchRows })) {
    text.push({ rows: unpackRows(b.payload, b.rows, schema.columns, b.epochSeconds), lastKey: b.lastKey });
    b.release?.();
  }
  const rows: Batch[] = [];
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  for await (const b of readData(r.ctx, spec, schema, range, { batchRows })) {
    rows.push({ rows: b, lastKey: keyIdx.map((i) => (b[b.length - 1][i] instanceof Uint8Array ? Buffer.from(b[b.length - 1][i] as Uint8Array).toString('hex') : b[b.length - 1][i])) });
  }
  return { schema, text, rows };
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, charset: 'utf8mb4' });
});

afterAll(async () => {
  for (const t of created) await admin.query(`DROP TABLE IF EXISTS \`${t}\``);
  for (const p of pools) await p.end();
  await admin?.end();
});

describe('readText', () => {
  it('matches the row path on every type of the all-types fixture, binary and BIT included', async () => {
    const name = await tableFrom(ALL_TYPES_DDL('x').replace('`x`', '$T'));
    await insertAllTypesRows(admin, name, 500);
    const src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: URL });
    try {
      const schema = await src.getSchema({ table: name });
      expect(schema.columns.map((c) => c.name)).toEqual([...ALL_TYPES_COLUMNS]);
      expect(await src.canReadText({ table: name }, schema)).toBe(true);
      expect(await src.textPathBlocker({ table: name }, schema)).toBeNull();
    } finally {
      await src.disconnect();
    }
    for (const [range, batch] of [[{ after: null, upTo: null }, 64], [{ after: ['17'], upTo: ['300'] }, 7]] as Array<[KeyRange, number]>) {
      const { text, rows } = await both(name, range, batch);
      expect(text.length).toBeGreaterThan(1);
      expect(text).toEqual(rows);
    }
  });

  it('matches the row path on edge values of every kind', async () => {
    const name = await tableFrom(
      `CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, bo TINYINT(1) NULL, bl MEDIUMBLOB NULL, vb VARBINARY(300) NULL, bn BINARY(4) NULL,
         b1 BIT(1) NULL, b64 BIT(64) NULL, tm TIME(6) NULL, tm0 TIME NULL, d65 DECIMAL(65,30) NULL, ts TIMESTAMP(6) NULL DEFAULT NULL,
         ts0 TIMESTAMP NULL DEFAULT NULL, yr YEAR NULL, en ENUM('a','b') NULL, st SET('x','y') NULL, js JSON NULL, f FLOAT NULL, dbl DOUBLE NULL,
         d DATE NULL, dt DATETIME(3) NULL) CHARSET=utf8mb4`,
    );
    await exec("SET SESSION time_zone = '+00:00', SESSION sql_mode = ''");
    const max65 = `${'9'.repeat(35)}.${'9'.repeat(30)}`;
    const rows: unknown[][] = [
      [1, 0, '', '', Buffer.from([0, 0, 0, 0]), 0, 0, '-838:59:59.000000', '-838:59:59', `-${max65}`, '1970-01-01 00:00:01', '1970-01-01 00:00:01', 0, '', '', '{}', -3.4028234663852886e38, -1.7976931348623157e308, '1000-01-01', '1000-01-01 00:00:00.000'],
      [2, 1, Buffer.alloc(70_000, 0xff), Buffer.alloc(300, 0xff), Buffer.from([0xff, 0xff, 0xff, 0xff]), 1, BigInt('18446744073709551615'), '838:59:59.000000', '838:59:59', max65, '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', 1901, 'a', 'x,y', '[1, 2.50, 12345678901234567890]', 1.100000023841858, 5e-324, '9999-12-31', '9999-12-31 23:59:59.999'],
      [3, 2, Buffer.from([0xfb]), Buffer.from([0, 9, 10, 13, 0x5c]), Buffer.from([1]), 1, 1, '-00:00:00.000001', '00:00:00', `0.${'0'.repeat(29)}1`, '2000-02-29 12:00:00.5', null, 2155, 'b', 'y', 'null', 0.125, 0.1, null, null],
      [4, -128, null, null, null, null, BigInt('9223372036854775808'), null, null, '0', null, null, null, null, null, null, null, null, null, null],
      [5, 127, Buffer.from('é'), Buffer.from('😀'), null, 0, 255, '12:34:56.789012', '-01:02:03', '-0.000000000000000000000000000001', null, null, 1970, 'c', null, '"\\t"', 1, -0, null, null],
      [6, -1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    ];
    const placeholders = `(${rows[0].map(() => '?').join(', ')})`;
    for (const r of rows) await exec(`INSERT INTO \`${name}\` VALUES ${placeholders}`, r.map((v) => (typeof v === 'bigint' ? { toSqlString: () => String(v) } : v)));
    // ENUM 'c' (not a member, sql_mode '') is stored as the '' error value.
    const [[{ e }]] = (await admin.query(`SELECT en + 0 AS e FROM \`${name}\` WHERE id = 5`)) as unknown as [[{ e: number }]];
    expect(e).toBe(0);
    await exec("SET SESSION sql_mode = DEFAULT");
    const { text, rows: rowPath } = await both(name, { after: null, upTo: null }, 4);
    expect(text).toEqual(rowPath);
    const flat = text.flatMap((b) => b.rows);
    // Spot checks against the canonical values (types.ts), not only against the other path.
    expect(flat.map((r) => r[1])).toEqual([0, 1, 2, -128, 127, -1]);
    expect(flat[0][2]).toEqual(Buffer.alloc(0));
    expect(flat[1][2]).toEqual(Buffer.alloc(70_000, 0xff));
    expect(flat[1][6]).toBe('18446744073709551615');
    expect(flat[3][6]).toBe('9223372036854775808');
    expect(flat[0][7]).toBe('-838:59:59.000000');
    expect(flat[2][7]).toBe('-00:00:00.000001');
    expect(flat[1][9]).toBe(max65);
    expect(flat[0][10]).toBe('1970-01-01 00:00:01.000000');
    expect(flat[1][10]).toBe('2038-01-19 03:14:07.999999');
    expect(flat.map((r) => r[12])).toEqual([0, 1901, 2155, null, 1970, null]);
    // The packed field is the canonical text itself: YEAR 0 is '0', not the '0000' MariaDB prints.
    const r = reader();
    const schema = await describeSource(r.ctx.db, 'test', { table: name }, 'mariadb');
    const first = (await readText(r.ctx, r.stream, { table: name }, schema, { after: null, upTo: null }, { batchRows: 1 }).next()).value!;
    expect(fieldBytes(Buffer.from(first.payload), 0, 12)?.toString()).toBe('0');
    expect(flat[4][13]).toBe('');
  });

  it('pages and resumes on a binary key as the row path does', async () => {
    const name = await tableFrom('CREATE TABLE $T (k VARBINARY(16) NOT NULL PRIMARY KEY, v INT NULL)');
    for (let i = 0; i < 9; i++) await exec(`INSERT INTO \`${name}\` VALUES (?, ?)`, [Buffer.from([i * 30, 0xff - i, 0]), i]);
    const all = await both(name, { after: null, upTo: null }, 4);
    expect(all.text).toEqual(all.rows);
    expect(all.text[0].lastKey).toEqual(['5afc00']);
    const part = await both(name, { after: ['1efe00'], upTo: ['b4f900'] }, 2);
    expect(part.text).toEqual(part.rows);
    expect(part.text.flatMap((b) => b.rows.map((r) => r[1]))).toEqual([2, 3, 4, 5, 6]);
  });

  it('cuts pages of wide rows to about PAGE_BYTES, with the rows and cursors of the row path', async () => {
    const name = await tableFrom('CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, b MEDIUMBLOB NOT NULL)');
    await exec(`INSERT INTO \`${name}\` SELECT seq, CONCAT(REPEAT(CHAR(seq), 99999), 'z') FROM seq_1_to_200`);
    const { text, rows } = await both(name, { after: null, upTo: null }, 10_000);
    // The first page holds at most 100 rows; the next ones about PAGE_BYTES (4 MiB) of ~100 kB rows.
    const per = Math.floor(PAGE_BYTES / 100_005);
    expect(per).toBe(41);
    expect(text.map((b) => b.rows.length)).toEqual([100, per, per, 200 - 100 - 2 * per]);
    expect(text.map((b) => b.lastKey)).toEqual([[100], [100 + per], [100 + 2 * per], [200]]);
    const digest = (bs: Array<{ rows: Row[] }>) => bs.flatMap((b) => b.rows.map((r) => `${r[0]}:${createHash('sha1').update(r[1] as Buffer).digest('hex')}`));
    expect(digest(text)).toEqual(digest(rows));
  });

  it('escapes nothing and keeps tabs, newlines, backslashes, a literal \\N, 4-byte characters, latin1 text and long values', async () => {
    const name = await tableFrom(
      'CREATE TABLE $T (k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY, s MEDIUMTEXT NULL, l VARCHAR(20) CHARACTER SET latin1 NULL, j JSON NULL) CHARSET=utf8mb4',
    );
    const vals: Array<[string, string | null, string | null, string | null]> = [
      ['a\tkey', 'tab\there', 'café', '{"s":"line\\nbreak","b":"back\\\\slash"}'],
      ['b\\key', 'new\nline\r\n', 'naïve', '[1, 2.50, 12345678901234567890]'],
      ['c\nkey', '\\N', null, null],
      ['d', '😀 中文 \'"', 'plain', '"\\t"'],
      ['e', null, '', '{}'],
      // Field lengths past 250 and 65535 bytes take 3- and 4-byte length prefixes on the wire.
      ['f', `${'x'.repeat(300)}\t${'y'.repeat(300)}`, 'z'.repeat(20), '[]'],
      ['g', `${'é\n'.repeat(40_000)}\\end`, null, `["${'w'.repeat(70_000)}"]`],
    ];
    for (const v of vals) await exec(`INSERT INTO \`${name}\` VALUES (?, ?, ?, ?)`, v);
    const { text, rows } = await both(name, { after: null, upTo: null }, 2);
    expect(text).toEqual(rows);
    expect(text[0].lastKey).toEqual(['b\\key']);
    expect(text.flatMap((b) => b.rows).map((r) => r[1])).toContain('\\N');
  });

  it('writes zero dates as the row path does: NULL with a warning, or its error in a NOT NULL column, whatever the session sql_mode', async () => {
    await exec("SET SESSION sql_mode = ''");
    const name = await tableFrom('CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, d DATE NULL, t DATETIME(3) NOT NULL, ts TIMESTAMP NULL DEFAULT NULL)');
    await exec(
      `INSERT INTO \`${name}\` VALUES (1, '2020-01-02', '2020-01-02 03:04:05.678', '2020-01-01 00:00:00'), (2, '0000-00-00', '2021-01-01 00:00:00', '0000-00-00 00:00:00'),
         (3, '2020-05-00', '2022-01-01 00:00:00', NULL), (4, NULL, '2023-01-01 00:00:00', '2038-01-19 03:14:07')`,
    );
    // Stored under NO_ZERO_DATE without NO_ZERO_IN_DATE: a zero day is allowed, '0000-00-00' is not.
    await exec("SET SESSION sql_mode = 'NO_ZERO_DATE,STRICT_ALL_TABLES'");
    await exec(`INSERT INTO \`${name}\` VALUES (6, '2020-02-00', '2024-00-01 00:00:00', NULL)`);
    await expect(admin.query(`INSERT INTO \`${name}\` VALUES (7, '0000-00-00', '2024-01-01 00:00:00', NULL)`)).rejects.toThrow();
    await exec('SET SESSION sql_mode = DEFAULT');
    const expected = [
      [1, '2020-01-02', '2020-01-02 03:04:05.678', '2020-01-01 00:00:00'],
      [2, null, '2021-01-01 00:00:00.000', null],
      [3, null, '2022-01-01 00:00:00.000', null],
      [4, null, '2023-01-01 00:00:00.000', '2038-01-19 03:14:07'],
    ];
    for (const [flavor, mode] of [['mariadb', undefined], ['mariadb', 'NO_ZERO_DATE,NO_ZERO_IN_DATE,STRICT_ALL_TABLES'], ['singlestore', undefined]] as Array<[Flavor, string | undefined]>) {
      warnings.length = 0;
      const r = reader(flavor, mode);
      const { text, rows } = await both(name, { after: null, upTo: ['4'] }, 2, r);
      expect(text, `${flavor} ${mode}`).toEqual(rows);
      expect(text.flatMap((b) => b.rows)).toEqual(expected);
      expect(warnings.join('\n')).toMatch(/column `d` holds zero dates/);
      expect(warnings.join('\n')).toMatch(/column `ts` holds zero dates/);
      // A zero month in a NOT NULL column: the row path's own error, on both paths.
      const schema = await describeSource(r.ctx.db, 'test', { table: name }, flavor);
      const viaText = async () => {
        for await (const _ of readText(r.ctx, r.stream, { table: name }, schema, { after: ['4'], upTo: null }, { batchRows: 10 })) void _;
      };
      const viaRows = async () => {
        for await (const _ of readData(r.ctx, { table: name }, schema, { after: ['4'], upTo: null }, { batchRows: 10 })) void _;
      };
      await expect(viaText()).rejects.toThrow(PermanentError);
      await expect(viaText()).rejects.toThrow(/NOT NULL column `t` holds the zero date 2024-00-01 00:00:00/);
      await expect(viaRows()).rejects.toThrow(/NOT NULL column `t` holds the zero date 2024-00-01 00:00:00/);
    }
  });

  it('reads SingleStore TIMESTAMP as epoch seconds, flagged on the batch, and resumes on a TIMESTAMP key', async () => {
    const name = await tableFrom('CREATE TABLE $T (at TIMESTAMP(6) NOT NULL PRIMARY KEY, at0 TIMESTAMP NULL DEFAULT NULL, v INT NULL)');
    await exec("SET SESSION time_zone = '+00:00'");
    for (let i = 0; i < 7; i++) await exec(`INSERT INTO \`${name}\` VALUES (?, ?, ?)`, [`2020-01-01 00:00:0${i}.${i}00001`, i % 2 ? null : `2038-01-19 03:14:0${i}`, i]);
    const r = reader('singlestore');
    const { text, rows, schema } = await both(name, { after: ['2020-01-01 00:00:01.100001'], upTo: null }, 2, r);
    expect(text).toEqual(rows);
    expect(text.map((b) => b.lastKey)).toEqual([['2020-01-01 00:00:03.300001'], ['2020-01-01 00:00:05.500001'], ['2020-01-01 00:00:06.600001']]);
    const first = (await readText(r.ctx, r.stream, { table: name }, schema, { after: null, upTo: null }, { batchRows: 1 }).next()).value!;
    expect(first.epochSeconds).toEqual([0, 1]);
    expect(Buffer.from(first.payload).toString('latin1')).toContain('1577836800.000001');
  });
});
