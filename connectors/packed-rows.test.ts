import { describe, expect, it } from 'vitest';
import { fieldLength, cursor, packRows, ROW_HEADER, rowFields, toCopyText } from './packed-rows';
import { canonicalText, encodeTextRows, plainText } from './text-rows';
import type { Row, TableSchema } from './types';

const schema = (n: number) => ({ name: 't', columns: Array.from({ length: n }, (_, i) => ({ name: `c${i}` })), key: ['c0'] }) as unknown as TableSchema;

describe('packed text rows', () => {
  it('round-trips every length-prefix size (1, 3, 4 and 9 bytes) and NULL', () => {
    const sizes = [0, 1, 250, 251, 65_535, 65_536, 16_777_215, 16_777_216];
    const rows: Row[] = sizes.map((n, i) => [i, 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2), i % 3 === 0 ? null : `r${i}`]);
    const packed = packRows(rows, plainText);
    let p = 0;
    for (const row of rows) {
      expect(rowFields(packed, p, 3)).toEqual(row.map((v) => (v === null ? null : String(v))));
      const before = p;
      // The header holds the row's length, as a MySQL packet header would.
      const rowLength = packed[p] | (packed[p + 1] << 8) | (packed[p + 2] << 16);
      p += ROW_HEADER;
      const fieldsStart = p;
      for (let i = 0; i < 3; i++) {
        const n = fieldLength(packed, p);
        p = cursor.pos + Math.max(n, 0);
      }
      expect(p).toBeGreaterThan(before);
      expect(rowLength).toBe(Math.min(p - fieldsStart, 0xffffff));
    }
    expect(p).toBe(packed.length);
  });

  it('reads MySQL length-encoded prefixes as the wire spells them', () => {
    expect(fieldLength(Buffer.from([0xfa]), 0)).toBe(250);
    expect(cursor.pos).toBe(1);
    expect(fieldLength(Buffer.from([0xfb]), 0)).toBe(-1);
    expect(fieldLength(Buffer.from([0xfc, 0x34, 0x12]), 0)).toBe(0x1234);
    expect(cursor.pos).toBe(3);
    expect(fieldLength(Buffer.from([0xfd, 0x56, 0x34, 0x12]), 0)).toBe(0x123456);
    expect(fieldLength(Buffer.from([0xfe, 1, 0, 0, 0, 1, 0, 0, 0]), 0)).toBe(2 ** 32 + 1);
    expect(cursor.pos).toBe(9);
    expect(() => fieldLength(Buffer.from([0xff]), 0)).toThrow(/bad length prefix/);
  });

  it('becomes the COPY text of the same rows, escapes included; unescaped columns are copied as is', () => {
    const rows: Row[] = [
      [1, 'tab\there', 'new\nline\r\n', null],
      [22, 'back\\slash', '\\N', 'x'.repeat(300)],
      [333, '', '😀 中文', '{"a":"\\t"}'],
    ];
    const expected = encodeTextRows(schema(4), [canonicalText, canonicalText, canonicalText, canonicalText], rows);
    expect(toCopyText(packRows(rows, plainText), 4, [false, true, true, true])).toEqual(expected);
  });
});
