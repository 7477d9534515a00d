/**
 * The text path against real MariaDB: for the same range and page size it must produce exactly
 * the values, batch bounds and cursors of the row path (both compared as COPY text).
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TYPES_DDL, insertAllTypesRows } from '../../test/fixtures/all-types';
import { uniqueName } from '../../test/support/mariadb';
import { toCopyText } from '../packed-rows';
import { canonicalText, encodeTextRows } from '../text-rows';
import { PermanentError, type KeyRange, type TableSchema } from '../types';
import { SingleStoreSource } from './index';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
let admin: Connection;
let src: SingleStoreSource;
const created: string[] = [];
const warnings: string[] = [];

async function exec(sql: string, params: unknown[] = []) {
  await admin.query(sql, params);
}

async function tableFrom(ddl: string, name = uniqueName('es_txt')): Promise<string> {
  await exec(ddl.replace('$T', `\`${name}\``));
  created.push(name);
  return name;
}

/** Both paths over a range; returns what each produced. */
async function both(table: string, range: KeyRange, batchRows: number) {
  const spec = { table };
  const schema = await src.getSchema(spec);
  const text: Array<{ rows: number; lastKey: unknown; payload: string }> = [];
  const escapeAll = schema.columns.map(() => true);
  for await (const b of src.readText(spec, schema, range, { batchRows })) {
    text.push({ rows: b.rows, lastKey: b.lastKey, payload: toCopyText(b.payload, schema.columns.length, escapeAll).toString('utf8') });
  }
  const rows: typeof text = [];
  const enc = schema.columns.map(() => canonicalText);
  const keyIdx = schema.columns.findIndex((c) => c.name === schema.key[0]);
  for await (const b of src.readData(spec, schema, range, { batchRows })) {
    rows.push({ rows: b.length, lastKey: [b[b.length - 1][keyIdx]], payload: encodeTextRows(schema, enc, b).toString('utf8') });
  }
  // A float's text is any spelling of the same double (MariaDB prints 1e308, JS 1e+308).
  const floats = schema.columns.map((c) => c.type.kind === 'float');
  const norm = (payload: string) =>
    payload.split('\n').map((line) => line.split('\t').map((f, i) => (floats[i] && f !== '\\N' ? String(Number(f)) : f)).join('\t')).join('\n');
  for (const b of [...text, ...rows]) b.payload = norm(b.payload);
  return { schema, text, rows };
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, charset: 'utf8mb4' });
  src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: URL }, undefined, { warn: (m) => warnings.push(m) });
});

afterAll(async () => {
  for (const t of created) await admin.query(`DROP TABLE IF EXISTS \`${t}\``);
  await src?.disconnect();
  await admin?.end();
});

describe('readText', () => {
  it('matches the row path byte for byte on every text-able type (all-types fixture minus binary and bit)', async () => {
    const full = await tableFrom(ALL_TYPES_DDL('x').replace('`x`', '$T'));
    await insertAllTypesRows(admin, full, 500);
    const name = await tableFrom(`CREATE TABLE $T (PRIMARY KEY (id)) CHARSET=utf8mb4 COLLATE=utf8mb4_bin AS SELECT * FROM \`${full}\``);
    await exec(`ALTER TABLE \`${name}\` DROP COLUMN bl, DROP COLUMN vb, DROP COLUMN bt`);
    const schema = await src.getSchema({ table: name });
    expect(await src.canReadText({ table: name }, schema)).toBe(true);
    for (const [range, batch] of [[{ after: null, upTo: null }, 64], [{ after: ['17'], upTo: ['300'] }, 7]] as Array<[KeyRange, number]>) {
      const { text, rows } = await both(name, range, batch);
      expect(text.length).toBeGreaterThan(1);
      expect(text).toEqual(rows);
    }
  });

  it('escapes tabs, newlines, carriage returns, backslashes and a literal \\N; keeps 4-byte characters, latin1 text and long values', async () => {
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
    expect(text.map((t) => t.payload).join('')).toContain('\\\\N');
  });

  it('a page with a zero date goes through the row path: NULL with a warning, or an error in a NOT NULL column', async () => {
    await exec("SET SESSION sql_mode = ''");
    const name = await tableFrom('CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, d DATE NULL, t DATETIME(3) NOT NULL)');
    await exec(`INSERT INTO \`${name}\` VALUES (1, '2020-01-02', '2020-01-02 03:04:05.678'), (2, '0000-00-00', '2021-01-01 00:00:00'), (3, '2020-05-00', '2022-01-01 00:00:00'), (4, NULL, '2023-01-01 00:00:00')`);
    warnings.length = 0;
    const { text, rows } = await both(name, { after: null, upTo: null }, 2);
    expect(text).toEqual(rows);
    expect(text.map((t) => t.payload).join('')).toBe('1\t2020-01-02\t2020-01-02 03:04:05.678\n2\t\\N\t2021-01-01 00:00:00.000\n3\t\\N\t2022-01-01 00:00:00.000\n4\t\\N\t2023-01-01 00:00:00.000\n');
    expect(warnings.join('\n')).toMatch(/zero dates/);

    await exec(`INSERT INTO \`${name}\` VALUES (5, NULL, '0000-00-00 00:00:00')`);
    const schema = await src.getSchema({ table: name });
    const read = async () => {
      for await (const _ of src.readText({ table: name }, schema, { after: ['4'], upTo: null }, { batchRows: 10 })) void _;
    };
    await expect(read()).rejects.toThrow(PermanentError);
    await expect(read()).rejects.toThrow(/NOT NULL column `t` holds the zero date/);
  });

  it('is not offered for binary or bit columns', async () => {
    const name = await tableFrom('CREATE TABLE $T (id INT NOT NULL PRIMARY KEY, b VARBINARY(8) NULL)');
    const schema: TableSchema = await src.getSchema({ table: name });
    expect(await src.canReadText({ table: name }, schema)).toBe(false);
  });
});
