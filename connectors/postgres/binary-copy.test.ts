/**
 * COPY BINARY against real PostgreSQL, differentially: every value written through packedToBinary
 * must read back exactly as the same text written through COPY text, and spellings the
 * transcoder does not take must make it give the batch back (null) rather than guess.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRows, toCopyText } from '../packed-rows';
import { binaryCodecs, codecOf, packedToBinary } from './binary-copy';
import { copyIn } from './write';

const URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let pool: pg.Pool;
const tables: string[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: URL, options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=3' });
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

async function copy(name: string, sql: string, payload: Buffer): Promise<void> {
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

/** Writes the values both ways; returns what each table holds. */
async function bothWays(type: string, values: Array<string | null>) {
  const packed = packRows(values.map((v, i) => [String(i), v]), String);
  const codecs = Uint8Array.from([codecOf('integer')!, codecOf(type)!]);
  const binary = packedToBinary(packed, values.length, codecs);
  expect(binary, `${type}: the transcoder gave up on ${JSON.stringify(values)}`).not.toBeNull();
  const viaBinary = await table(type);
  const viaText = await table(type);
  await copy(viaBinary, `COPY ${viaBinary} (k, v) FROM STDIN (FORMAT binary)`, binary!);
  await copy(viaText, `COPY ${viaText} (k, v) FROM STDIN`, toCopyText(packed, 2, [true, true]));
  return { binary: await readBack(viaBinary), text: await readBack(viaText) };
}

const SAME: Array<[string, Array<string | null>]> = [
  ['smallint', ['0', '-32768', '32767', '007', null]],
  ['integer', ['-2147483648', '2147483647', '42', '-0']],
  ['bigint', ['-9223372036854775808', '9223372036854775807', '123456789012345', '1234567890123456', '-999999999999999999', '0']],
  ['numeric', ['0', '-0', '-0.00', '12.37', '-12.3700', '0.0001', '0.000000001', '100000000', '5.', '12345678901234567890.123456789', '000123.4500']],
  ['numeric(10,2)', ['12.345', '-0.005', '99999999.99', '1', null]],
  ['numeric(20,0)', ['18446744073709551615', '0', '10000']],
  ['double precision', ['1.5', '-0', '1e308', '4.9e-324', '123456789.123456789', '0.1', '-2.5E-3']],
  ['date', ['2000-01-01', '1999-12-31', '1000-01-01', '9999-12-31', '2024-02-29', '1970-01-01', '0001-01-01', '1582-10-10']],
  [
    'timestamp(6) without time zone',
    ['2000-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1000-01-01 00:00:00.5', '9999-12-31 23:59:59.999999', '2024-02-29 12:34:56.123', '0001-01-01 00:00:00', '2286-01-01 00:00:00.000001'],
  ],
  ['timestamp(3) without time zone', ['2024-01-01 00:00:00.123456', '2024-01-01 23:59:59.9995']],
  ['timestamp(6) with time zone', ['2024-06-01 12:00:00.000001', '1960-01-01 00:00:00']],
  // Every length around the word-at-a-time copy of short values (4 bytes a step, then the tail).
  ['character varying', Array.from({ length: 60 }, (_, n) => 'é'.repeat(n % 3) + 'a'.repeat(n))],
  ['text', ['', 'tab\there', 'new\nline\r\n', 'back\\slash', '\\N', '😀 中文', 'x'.repeat(70_000), null]],
  ['character varying(10)', ['abc', 'abc       ', 'ünïcødé']],
  ['character(5)', ['ab', '']],
  ['jsonb', ['{"b": [1, 2.50], "a": 1}', '"\\t"', '[]', '12345678901234567890']],
  ['json', ['{"a":   1}', '"line\\nbreak"']],
];

describe('packedToBinary', () => {
  for (const [type, values] of SAME) {
    it(`${type}: binary lands what text lands`, async () => {
      const { binary, text } = await bothWays(type, values);
      expect(binary).toEqual(text);
    });
  }

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
  ];
  it('gives the batch back for spellings it does not transcode, so PostgreSQL judges the text', () => {
    for (const [type, v] of GIVES_UP) {
      const packed = packRows([['1', '7'], ['2', v]], String);
      const codecs = Uint8Array.from([codecOf('integer')!, codecOf(type)!]);
      expect(packedToBinary(packed, 2, codecs), `${type} ${JSON.stringify(v)}`).toBeNull();
    }
  });

  it('gives back a payload whose row count does not match', () => {
    const packed = packRows([['1', 'a'], ['2', 'b']], String);
    const codecs = Uint8Array.from([codecOf('integer')!, codecOf('text')!]);
    expect(packedToBinary(packed, 3, codecs)).toBeNull();
    expect(packedToBinary(packed, 1, codecs)).toBeNull();
  });

  it('has codecs only for types it writes exactly; anything else keeps the table on COPY text', () => {
    const types = new Map([
      ['a', 'integer'],
      ['b', 'time(6) without time zone'],
    ]);
    expect(binaryCodecs([{ name: 'a' }], types)).not.toBeNull();
    expect(binaryCodecs([{ name: 'a' }, { name: 'b' }], types)).toBeNull();
    for (const t of ['boolean', 'bytea', 'real', 'interval', 'uuid', 'integer[]', 'my_domain']) expect(codecOf(t)).toBeNull();
  });
});
