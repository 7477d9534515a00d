/**
 * COPY BINARY against real PostgreSQL, differentially: every value written through packedToBinary
 * must read back exactly as the row path writes it (the canonical value through COPY text, with
 * the row path's own spellings for boolean and bytea), and spellings the transcoder does not take
 * must make it give the batch back (null) rather than guess. The source half, that MariaDB sends
 * exactly these packed forms, is connectors/singlestore/read-text.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochToUtc, packCanonicalRows } from '../packed-forms';
import { packRows, toCopyText } from '../packed-rows';
import { PermanentError, type Column, type ColumnType, type Row, type TableSchema, type Value } from '../types';
import { binaryPlan, codecOf, packedToBinary, type BinaryPlan } from './binary-copy';
import { encodeRows, makeEncoders } from './copy-encode';
import { PostgresDestination } from './index';
import { copyIn } from './write';

const URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let pool: pg.Pool;
const tables: string[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: URL, options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=3 -c IntervalStyle=postgres' });
});

afterAll(async () => {
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}`);
  await pool.end();
});

let n = 0;
async function table(type: string): Promise<string> {
  const name = `es_bin_${process.pid}_${n++}`;
  await pool.query(`CREATE TABLE ${name} (k int, v ${type})`);
  tables.push(name);
  return name;
}

async function copy(sql: string, payload: Buffer): Promise<void> {
  const client = await pool.connect();
  try {
    await copyIn(client, sql, payload);
  } finally {
    client.release();
  }
}

async function readBack(name: string): Promise<Array<string | null>> {
  return (await pool.query(`SELECT v::text AS v FROM ${name} ORDER BY k`)).rows.map((r) => r.v as string | null);
}

const KEY: Column = { name: 'k', type: { kind: 'int', bits: 32, unsigned: false }, nullable: false, sourceType: 'int' };
/** A plan for (k int, v <type>) whose timestamps keep all 6 digits (PostgreSQL rounds to the typmod). */
const textPlan = (type: string): BinaryPlan => ({ codecs: Uint8Array.from([codecOf('integer')!, codecOf(type)!]), params: Uint8Array.from([0, 6]) });

/** Writes canonical text both ways; returns what each table holds. */
async function bothWays(type: string, values: Array<string | null>) {
  const packed = packRows(values.map((v, i) => [String(i), v]), String);
  const binary = packedToBinary(packed, values.length, textPlan(type));
  expect(binary, `${type}: the transcoder gave up on ${JSON.stringify(values)}`).not.toBeNull();
  const viaBinary = await table(type);
  const viaText = await table(type);
  await copy(`COPY ${viaBinary} (k, v) FROM STDIN (FORMAT binary)`, binary!);
  await copy(`COPY ${viaText} (k, v) FROM STDIN`, toCopyText(packed, 2, [true, true]));
  return { binary: await readBack(viaBinary), text: await readBack(viaText) };
}

const SAME: Array<[string, Array<string | null>]> = [
  ['smallint', ['0', '-32768', '32767', '007', '0000', '1901', '2155', null]],
  ['integer', ['-2147483648', '2147483647', '42', '-0']],
  ['bigint', ['-9223372036854775808', '9223372036854775807', '123456789012345', '1234567890123456', '-999999999999999999', '0']],
  ['numeric', ['0', '-0', '-0.00', '12.37', '-12.3700', '0.0001', '0.000000001', '100000000', '5.', '12345678901234567890.123456789', '000123.4500']],
  ['numeric(10,2)', ['12.345', '-0.005', '99999999.99', '1', null]],
  ['numeric(20,0)', ['18446744073709551615', '0', '10000']],
  [
    'numeric(65,30)',
    [
      `-${'9'.repeat(35)}.${'9'.repeat(30)}`,
      `${'9'.repeat(35)}.${'9'.repeat(30)}`,
      `0.${'0'.repeat(29)}1`,
      `-0.${'0'.repeat(30)}`,
      `1${'0'.repeat(34)}.${'0'.repeat(30)}`,
    ],
  ],
  ['double precision', ['1.5', '-0', '1e308', '4.9e-324', '123456789.123456789', '0.1', '-2.5E-3']],
  ['real', ['1.5', '-0', '1.100000023841858', '3.4028234663852886e38', '1.401298464324817e-45', '-1000', '0.125']],
  ['date', ['2000-01-01', '1999-12-31', '1000-01-01', '9999-12-31', '2024-02-29', '1970-01-01', '0001-01-01', '1582-10-10']],
  [
    'timestamp(6) without time zone',
    ['2000-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1000-01-01 00:00:00.5', '9999-12-31 23:59:59.999999', '2024-02-29 12:34:56.123', '0001-01-01 00:00:00', '2286-01-01 00:00:00.000001'],
  ],
  ['timestamp(3) without time zone', ['2024-01-01 00:00:00.123456', '2024-01-01 23:59:59.9995']],
  ['timestamp(6) with time zone', ['2024-06-01 12:00:00.000001', '1960-01-01 00:00:00', '1970-01-01 00:00:01.000000', '2038-01-19 03:14:07.999999']],
  ['interval(6)', ['-838:59:59.000000', '838:59:59.000000', '00:00:00.000000', '-00:00:00.500000', '12:34:56.789012', '-01:02:03.000001', '1:02:03', null]],
  ['interval(0)', ['-838:59:59', '00:00:00', '100:00:00', '-00:00:01']],
  ['interval(3)', ['12:00:00.123', '-12:00:00.9995']],
  // Every length around the word-at-a-time copy of short values (4 bytes a step, then the tail).
  ['character varying', Array.from({ length: 60 }, (_, n) => 'é'.repeat(n % 3) + 'a'.repeat(n))],
  ['text', ['', 'tab\there', 'new\nline\r\n', 'back\\slash', '\\N', '😀 中文', 'x'.repeat(70_000), null]],
  ['character varying(10)', ['abc', 'abc       ', 'ünïcødé']],
  ['character(5)', ['ab', '']],
  ['jsonb', ['{"b": [1, 2.50], "a": 1}', '"\\t"', '[]', '12345678901234567890']],
  ['json', ['{"a":   1}', '"line\\nbreak"']],
];

const col = (type: ColumnType, sourceType: string = type.kind): Column => ({ name: 'v', type, nullable: true, sourceType });

/**
 * Writes canonical values of a portable column both ways into a column of `pgType`: the row path
 * (its encoders, COPY text) and COPY BINARY from the packed form (`packed`, default the form a
 * MySQL-family server sends for them). Returns what each table holds.
 */
async function rowPathAndBinary(c: Column, pgType: string, values: Value[], opts: { packed?: Array<string | Buffer | null>; epoch?: boolean } = {}) {
  const columns = [KEY, c];
  const schema: TableSchema = { name: 't', columns, key: ['k'], keySource: 'primary' };
  const rows: Row[] = values.map((v, i) => [i, v]);
  const packed = opts.packed ? packRows(opts.packed.map((v, i) => [String(i), v]), (v) => v as string | Uint8Array) : packCanonicalRows(columns, rows);
  const plan = binaryPlan(columns, new Map([['k', 'integer'], ['v', pgType]]), opts.epoch ? [1] : []);
  expect(plan, `${c.sourceType} → ${pgType}: no binary plan`).not.toBeNull();
  const binary = packedToBinary(packed, rows.length, plan!);
  expect(binary, `${c.sourceType} → ${pgType}: the transcoder gave up`).not.toBeNull();
  const viaBinary = await table(pgType);
  const viaRows = await table(pgType);
  await copy(`COPY ${viaBinary} (k, v) FROM STDIN (FORMAT binary)`, binary!);
  await copy(`COPY ${viaRows} (k, v) FROM STDIN`, encodeRows(schema, makeEncoders(columns, new Set(pgType === 'boolean' ? ['v'] : [])), rows));
  return { binary: await readBack(viaBinary), rows: await readBack(viaRows) };
}

const bytes = (...b: number[]) => Buffer.from(b);

const ROW_PATH: Array<[string, Column, string, Value[]]> = [
  ['TINYINT(1) → boolean', col({ kind: 'boolean' }, 'tinyint(1)'), 'boolean', [0, 1, null, 1]],
  ['TINYINT(1) → smallint (boolean_as)', col({ kind: 'boolean' }, 'tinyint(1)'), 'smallint', [0, 1, 2, -1, -128, 127, null]],
  [
    'BLOB → bytea',
    col({ kind: 'binary' }, 'blob'),
    'bytea',
    [bytes(), Buffer.alloc(300, 0xff), Buffer.alloc(70_000, 0xff), bytes(0, 0x5c, 9, 10, 13, 0xfb, 0xfc, 0xfe, 0x80), null, Buffer.from('plain text')],
  ],
  ['BINARY(4) → bytea', col({ kind: 'binary', maxLength: 4, fixedLength: true }, 'binary(4)'), 'bytea', [bytes(0, 0, 0, 0), bytes(1, 2, 0, 0)]],
  ['BIT(1) → bigint', col({ kind: 'bit', bits: 1 }, 'bit(1)'), 'bigint', ['0', '1', null]],
  ['BIT(12) → bigint', col({ kind: 'bit', bits: 12 }, 'bit(12)'), 'bigint', ['0', '4095', '2048']],
  ['BIT(63) → bigint', col({ kind: 'bit', bits: 63 }, 'bit(63)'), 'bigint', ['9223372036854775807', '1']],
  ['BIT(64) → numeric(20,0)', col({ kind: 'bit', bits: 64 }, 'bit(64)'), 'numeric(20,0)', ['18446744073709551615', '9223372036854775808', '0', '255']],
  ['YEAR → smallint', col({ kind: 'year' }), 'smallint', [0, 1901, 2155, null]],
  ['TIME(6) → interval(6)', col({ kind: 'time', fsp: 6 }, 'time(6)'), 'interval(6)', ['-838:59:59.000000', '838:59:59.000000', '-00:00:00.000001', '23:59:59.999999']],
  ['TIME → interval(0)', col({ kind: 'time', fsp: 0 }, 'time'), 'interval(0)', ['-838:59:59', '00:00:00']],
  ['FLOAT → real', col({ kind: 'float', bits: 32 }, 'float'), 'real', [1.100000023841858, -1000, 0.125, 3.4028234663852886e38, -0, 1.401298464324817e-45]],
  ['ENUM → text', col({ kind: 'enum', values: ['', 'a'] }, "enum('','a')"), 'text', ['', 'a', "it's", null]],
  ['SET → text', col({ kind: 'set', values: ['a', 'b'] }, "set('a','b')"), 'text', ['', 'a,b']],
  ['JSON → jsonb', col({ kind: 'json' }), 'jsonb', ['{"big":123456789012345678901234567890,"s":"😀"}', 'null', '[]']],
  [
    'DECIMAL(65,30) → numeric(65,30)',
    col({ kind: 'decimal', precision: 65, scale: 30 }, 'decimal(65,30)'),
    'numeric(65,30)',
    [`-${'9'.repeat(35)}.${'9'.repeat(30)}`, `${'9'.repeat(35)}.${'9'.repeat(30)}`, `0.${'0'.repeat(29)}1`, `0.${'0'.repeat(30)}`],
  ],
  [
    'TIMESTAMP(6) → timestamptz(6)',
    col({ kind: 'datetime', fsp: 6, utc: true }, 'timestamp(6)'),
    'timestamp(6) with time zone',
    ['1970-01-01 00:00:01.000000', '2038-01-19 03:14:07.999999', null],
  ],
  ['DATETIME(6) → timestamp(6)', col({ kind: 'datetime', fsp: 6, utc: false }, 'datetime(6)'), 'timestamp(6) without time zone', ['1000-01-01 00:00:00.000000', '9999-12-31 23:59:59.999999']],
];

describe('packedToBinary', () => {
  for (const [type, values] of SAME) {
    it(`${type}: binary lands what text lands`, async () => {
      const { binary, text } = await bothWays(type, values);
      expect(binary).toEqual(text);
    });
  }

  for (const [label, c, pgType, values] of ROW_PATH) {
    it(`${label}: binary lands what the row path lands`, async () => {
      const { binary, rows } = await rowPathAndBinary(c, pgType, values);
      expect(binary).toEqual(rows);
    });
  }

  it('SingleStore forms: 8-byte BIT values and TIMESTAMP as epoch seconds land as the row path converts them', async () => {
    const bit = await rowPathAndBinary(col({ kind: 'bit', bits: 12 }, 'bit(12)'), 'bigint', ['4095', '1'], { packed: [bytes(0, 0, 0, 0, 0, 0, 0x0f, 0xff), bytes(0, 0, 0, 0, 0, 0, 0, 1)] });
    expect(bit.binary).toEqual(['4095', '1']);
    expect(bit.binary).toEqual(bit.rows);
    for (const fsp of [0, 3, 6]) {
      const epochs = ['1.000000', '1577836800.500000', '2147483647.999999', '1577836800', '1577836800.1239'];
      const c = col({ kind: 'datetime', fsp, utc: true }, `timestamp(${fsp})`);
      // The row path's values are the source converter's (epochToUtc: the fraction cut to fsp).
      const { binary, rows } = await rowPathAndBinary(c, `timestamp(${fsp}) with time zone`, epochs.map((e) => epochToUtc(e, fsp)), { packed: epochs, epoch: true });
      expect(binary, `fsp ${fsp}`).toEqual(rows);
    }
  });

  const GIVES_UP: Array<[string, string]> = [
    ['integer', '2147483648'],
    ['smallint', '40000'],
    ['bigint', '9223372036854775808'],
    ['integer', ' 1'],
    ['integer', '+1'],
    ['integer', ''],
    ['date', '2021-02-30'],
    ['date', '0000-01-01'],
    ['date', '2021-1-01'],
    ['timestamp(6) without time zone', '2021-01-01 24:00:00'],
    ['timestamp(6) without time zone', '2021-01-01T00:00:00'],
    ['timestamp(6) without time zone', '2021-01-01 00:00:00.'],
    ['timestamp(6) with time zone', '2021-01-01 00:00:00+02'],
    ['numeric', '1e5'],
    ['numeric', '-'],
    ['numeric', '1.2.3'],
    ['numeric', 'NaN'],
    ['double precision', '1e400'],
    ['double precision', '1e-400'],
    ['double precision', '0x10'],
    ['double precision', 'Infinity'],
    // Not exactly a float32: float4in would round the text itself.
    ['real', '0.1'],
    ['real', '1e39'],
    ['boolean', '2'],
    ['boolean', '-1'],
    ['boolean', '-128'],
    ['boolean', '127'],
    ['boolean', '01'],
    ['boolean', 't'],
    ['boolean', ''],
    ['interval(6)', '24:00:60'],
    ['interval(6)', '00:60:00'],
    ['interval(6)', '1:2:3'],
    ['interval(6)', '12345:00:00'],
    ['interval(6)', '00:00:00.'],
    ['interval(6)', '00:00:00.1234567'],
    ['interval(6)', '+01:00:00'],
    ['interval(6)', '1 day'],
  ];
  it('gives the batch back for spellings it does not transcode, so PostgreSQL or the row path judges them', () => {
    for (const [type, v] of GIVES_UP) {
      const packed = packRows([['1', type === 'boolean' ? '1' : type.startsWith('interval') ? '00:00:00' : '7'], ['2', v]], String);
      expect(packedToBinary(packed, 2, textPlan(type)), `${type} ${JSON.stringify(v)}`).toBeNull();
    }
    const epoch = binaryPlan([KEY, col({ kind: 'datetime', fsp: 6, utc: true })], new Map([['k', 'integer'], ['v', 'timestamp(6) with time zone']]), [1])!;
    for (const v of ['-1', '', '1.', 'abc', '1e5', '253402300800', '1 ']) {
      expect(packedToBinary(packRows([['1', v]], String), 1, epoch), `epoch ${JSON.stringify(v)}`).toBeNull();
    }
    const bit63 = binaryPlan([KEY, col({ kind: 'bit', bits: 63 })], new Map([['k', 'integer'], ['v', 'bigint']]))!;
    expect(packedToBinary(packRows([['1', bytes(0x80, 0, 0, 0, 0, 0, 0, 0)]], (v) => v as string | Uint8Array), 1, bit63)).toBeNull();
  });

  it('gives back a payload whose row count does not match', () => {
    const packed = packRows([['1', 'a'], ['2', 'b']], String);
    expect(packedToBinary(packed, 3, textPlan('text'))).toBeNull();
    expect(packedToBinary(packed, 1, textPlan('text'))).toBeNull();
  });

  it('plans each packed form only into the type whose binary input takes it as the row path writes it', () => {
    const types = new Map([
      ['a', 'integer'],
      ['b', 'time(6) without time zone'],
      ['c', 'bytea'],
      ['d', 'boolean'],
      ['e', 'text'],
    ]);
    const c = (name: string, type: ColumnType): Column => ({ name, type, nullable: true, sourceType: type.kind });
    const int = c('a', { kind: 'int', bits: 32, unsigned: false });
    expect(binaryPlan([int], types)).not.toBeNull();
    expect(binaryPlan([int, c('b', { kind: 'time', fsp: 6 })], types)).toBeNull();
    expect(binaryPlan([c('c', { kind: 'binary' })], types)).not.toBeNull();
    expect(binaryPlan([c('c', { kind: 'string' })], types)).toBeNull(); // text into bytea: bytea's text input would parse escapes
    expect(binaryPlan([c('e', { kind: 'binary' })], types)).toBeNull(); // bytes into text
    expect(binaryPlan([c('d', { kind: 'int', bits: 8, unsigned: false })], types)).toBeNull();
    expect(binaryPlan([c('a', { kind: 'bit', bits: 12 })], types)).toBeNull(); // BIT into integer: only bigint/numeric
    for (const t of ['uuid', 'integer[]', 'my_domain', 'time without time zone', 'bit(3)']) expect(codecOf(t)).toBeNull();
  });
});

describe('PostgresDestination.writeText', () => {
  const dst = PostgresDestination.fromEnv({ POSTGRES_URL: URL });
  const name = `es_wt_${process.pid}`;
  const columns: Column[] = [
    { name: 'id', type: { kind: 'int', bits: 32, unsigned: false }, nullable: false, sourceType: 'int' },
    { name: 'bo', type: { kind: 'boolean' }, nullable: true, sourceType: 'tinyint(1)' },
    { name: 'bl', type: { kind: 'binary' }, nullable: true, sourceType: 'blob' },
    { name: 'bt', type: { kind: 'bit', bits: 12 }, nullable: true, sourceType: 'bit(12)' },
    { name: 'ts', type: { kind: 'datetime', fsp: 6, utc: true }, nullable: true, sourceType: 'timestamp(6)' },
    { name: 'd', type: { kind: 'date' }, nullable: true, sourceType: 'date' },
  ];
  const schema: TableSchema = { name: 't', columns, key: ['id'], keySource: 'primary' };
  const spec = { table: name, options: { write_mode: 'append' } };
  const batch = (rows: Row[], epoch = false) => {
    const forms = rows.map((r) => (epoch ? r.map((v, i) => (i === 4 && typeof v === 'string' ? String(Date.parse(`${v.replace(' ', 'T')}Z`) / 1000) : v)) : r));
    return { rows: rows.length, lastKey: [String(rows[rows.length - 1][0])], payload: packCanonicalRows(columns, forms), epochSeconds: epoch ? [4] : undefined };
  };
  const read = async () =>
    (await pool.query(`SELECT id, bo::text, encode(bl, 'hex') AS bl, bt::text, ts::text, d::text FROM ${name} ORDER BY id`)).rows.map((r) => Object.values(r));

  beforeAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${name}`);
    await dst.createTable(spec, schema);
    tables.push(name);
  });
  afterAll(() => dst.disconnect());

  it('takes boolean, bytea, bit and epoch columns as packed rows', async () => {
    expect(await dst.textPathBlocker(spec, schema)).toBeNull();
    expect(await dst.acceptsText(spec, schema)).toBe(true);
    await dst.writeText(spec, schema, batch([[1, 1, bytes(0, 0xff), '4095', '2020-01-01 00:00:00', '2020-02-29']], true));
    await dst.writeText(spec, schema, batch([[2, 0, bytes(), '0', '1970-01-01 00:00:01', null]]));
    expect(await read()).toEqual([
      [1, 'true', '00ff', '4095', '2020-01-01 00:00:00+00', '2020-02-29'],
      [2, 'false', '', '0', '1970-01-01 00:00:01+00', null],
    ]);
  });

  it('a batch the transcoder gives back is written as the row path writes it, or rejected with the row path error', async () => {
    // A date PostgreSQL reads but the transcoder does not take (BC): written through the row path's COPY text.
    await dst.writeText(spec, schema, batch([[3, 1, bytes(1), '1', '2020-01-01 00:00:00.5', '0044-03-15 BC']], true));
    expect((await read())[2]).toEqual([3, 'true', '01', '1', '2020-01-01 00:00:00.5+00', '0044-03-15 BC']);
    // TINYINT(1) holding 2: the same PermanentError, naming column and row, as writeData gives.
    const bad: Row[] = [[4, 1, null, null, null, null], [5, 2, null, null, null, null]];
    const viaText = await dst.writeText(spec, schema, batch(bad)).catch((e: unknown) => e);
    const viaRows = await dst.writeData(spec, schema, bad).catch((e: unknown) => e);
    expect(viaText).toBeInstanceOf(PermanentError);
    expect((viaText as Error).message).toBe((viaRows as Error).message);
    expect((viaText as Error).message).toMatch(/column bo \(tinyint\(1\)\) of the row with id=5 holds 2, which a boolean column cannot store/);
    expect((await read()).map((r) => r[0])).toEqual([1, 2, 3]);
  });
});
