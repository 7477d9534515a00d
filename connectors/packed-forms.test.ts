import { describe, expect, it } from 'vitest';
import { bitToDecimal, canonicalFieldBytes, decimalToBit, fieldBytes, packCanonicalRows, unpackRows } from './packed-forms';
import { cursor, fieldLength, packRows, ROW_HEADER } from './packed-rows';
import type { Column, ColumnType, Row } from './types';

const col = (name: string, type: ColumnType): Column => ({ name, type, nullable: true, sourceType: type.kind });
const COLUMNS = [
  col('i', { kind: 'int', bits: 32, unsigned: false }),
  col('u', { kind: 'int', bits: 64, unsigned: true }),
  col('b', { kind: 'boolean' }),
  col('bl', { kind: 'binary' }),
  col('bt', { kind: 'bit', bits: 64 }),
  col('f', { kind: 'float', bits: 64 }),
  col('s', { kind: 'string' }),
  col('ts', { kind: 'datetime', fsp: 3, utc: true }),
];

describe('packed forms', () => {
  it('round-trips canonical rows through their packed forms', () => {
    const rows: Row[] = [
      [-7, '18446744073709551615', 2, Buffer.from([0, 0xfb, 0xff]), '18446744073709551615', 1.5, 'é\t😀', '2020-01-01 00:00:00.500'],
      [null, '0', 0, Buffer.alloc(0), '0', -0.25, '', null],
      [1, '1', null, null, null, null, null, '1970-01-01 00:00:01.000'],
    ];
    const packed = packCanonicalRows(COLUMNS, rows);
    expect(unpackRows(packed, rows.length, COLUMNS)).toEqual(rows);
    expect(fieldBytes(packed, 0, 4)).toEqual(Buffer.alloc(8, 0xff)); // BIT(64) as its 8 bytes
    expect(() => unpackRows(packed, 2, COLUMNS)).toThrow(/end at byte/);
  });

  it('reads epoch seconds as the row path does, and refuses a zero epoch (the source turns it into NULL first)', () => {
    const packed = packRows([['1', '1577836800.123456'], ['2', '0.000000']], String);
    const cols = [COLUMNS[0], COLUMNS[7]];
    expect(() => unpackRows(packed, 2, cols, [1])).toThrow(/zero epoch/);
    expect(unpackRows(packed.subarray(0, ROW_HEADER + 2 + 18), 1, cols, [1])).toEqual([[1, '2020-01-01 00:00:00.123']]);
  });

  it('gives the canonical text of BIT and epoch fields, and other fields as they are', () => {
    const packed = packRows([[Buffer.from([0, 0, 0, 0, 0, 0, 0x0f, 0xff]), '1577836800.5', 'x']], (v) => v as string | Uint8Array);
    const at: Array<[number, number]> = [];
    let p = ROW_HEADER;
    for (let i = 0; i < 3; i++) {
      const n = fieldLength(packed, p);
      at.push([cursor.pos, cursor.pos + n]);
      p = cursor.pos + n;
    }
    const bit12 = col('b', { kind: 'bit', bits: 12 });
    expect(Buffer.from(canonicalFieldBytes(packed, ...at[0], bit12, false)).toString()).toBe('4095');
    expect(Buffer.from(canonicalFieldBytes(packed, ...at[1], COLUMNS[7], true)).toString()).toBe('2020-01-01 00:00:00.500');
    expect(Buffer.from(canonicalFieldBytes(packed, ...at[2], COLUMNS[6], false)).toString()).toBe('x');
  });

  it('BIT values as MySQL sends them', () => {
    expect(decimalToBit('4095', 12)).toEqual(Buffer.from([0x0f, 0xff]));
    expect(decimalToBit('1', 1)).toEqual(Buffer.from([1]));
    expect(bitToDecimal(decimalToBit('9223372036854775808', 64), 64)).toBe('9223372036854775808');
  });
});
