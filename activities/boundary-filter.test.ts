import { describe, expect, it } from 'vitest';
import { unpackRows } from '../connectors/packed-forms';
import { packRows } from '../connectors/packed-rows';
import { plainText } from '../connectors/text-rows';
import type { Column, ColumnType, Row, TableSchema } from '../connectors/types';
import { durationSeconds, FINGERPRINT_CHARS } from '../workflows/incremental';
import { BoundaryFilter, packedFingerprint, rowFingerprint } from './boundary-filter';
import { cursorCompare, stepBack } from './cursor-values';

const col = (name: string, type: ColumnType): Column => ({ name, type, nullable: true, sourceType: type.kind });
const schema: TableSchema = {
  name: 't',
  columns: [
    col('id', { kind: 'int', bits: 64, unsigned: false }),
    col('at', { kind: 'datetime', fsp: 0, utc: false }),
    col('v', { kind: 'string' }),
    col('f', { kind: 'float', bits: 64 }),
  ],
  key: ['id'],
  keySource: 'primary',
};

const rows: Row[] = [
  ['1', '2024-01-01 00:00:00', 'a', 1.5],
  ['2', '2024-01-01 00:00:01', '', null],
  ['3', '2024-01-01 00:00:01', null, 1e21],
  ['4', '2024-01-01 00:00:02', 'ünï €😀', -0.1],
];

describe('row fingerprints', () => {
  it('are the same from a decoded row and from its packed text, and tell "" from NULL', () => {
    const packed = packRows(rows, plainText);
    let p = 0;
    for (const row of rows) {
      expect(packedFingerprint(packed, p, [false, false, false, true])).toBe(rowFingerprint(row));
      p += 4 + packed.readUIntLE(p, 3);
    }
    expect(rowFingerprint(['2', 'x', '', null])).not.toBe(rowFingerprint(['2', 'x', null, null]));
    expect(rowFingerprint(rows[0])).toHaveLength(FINGERPRINT_CHARS);
  });

  it('a float spelled differently in packed text still matches', () => {
    const packed = packRows([['1', '2024-01-01 00:00:00', 'a', '1e+21' as unknown as number]], (v) => String(v));
    expect(packedFingerprint(packed, 0, [false, false, false, true])).toBe(rowFingerprint(['1', '2024-01-01 00:00:00', 'a', 1e21]));
  });
});

describe('BoundaryFilter', () => {
  it('decides on the canonical values of BIT bytes and SingleStore epoch seconds, as on the row path', () => {
    const s2: TableSchema = {
      name: 't',
      columns: [col('id', { kind: 'int', bits: 64, unsigned: false }), col('at', { kind: 'datetime', fsp: 0, utc: true }), col('b', { kind: 'bit', bits: 12 })],
      key: ['id'],
      keySource: 'primary',
    };
    const decoded: Row[] = [
      ['1', '2024-01-01 00:00:00', '4095'],
      ['2', '2024-01-01 00:00:01', '1'],
      ['3', '2024-01-01 00:00:02', null],
    ];
    // What SingleStore sends: epoch seconds for the TIMESTAMP, 8 bytes for the BIT.
    const epoch = (v: string) => String(Date.parse(`${v.replace(' ', 'T')}Z`) / 1000);
    const sent = packRows(decoded.map((r) => [r[0], epoch(r[1] as string), r[2] === null ? null : Buffer.from([0, 0, 0, 0, 0, 0, Number(r[2]) >> 8, Number(r[2]) & 255])]), (v) => v as string | Uint8Array);
    const b = { column: 'at', mark: '2024-01-01 00:00:01', seen: rowFingerprint(decoded[1]), keepFrom: '2024-01-01 00:00:02', upTo: '2024-01-01 00:00:02' };
    const viaRows = new BoundaryFilter(s2, b);
    expect(viaRows.rows(decoded).map((r) => r[0])).toEqual(['1', '3']);
    const viaText = new BoundaryFilter(s2, b);
    const out = viaText.text({ rows: 3, lastKey: ['3'], payload: sent, epochSeconds: [1] });
    expect(out.rows).toBe(2);
    expect(out.epochSeconds).toBeUndefined();
    expect(unpackRows(out.payload, out.rows, s2.columns)).toEqual([decoded[0], decoded[2]]);
    expect(viaText.tally()).toEqual(viaRows.tally());
  });

  const boundary = (seen: string) => ({ column: 'at', mark: '2024-01-01 00:00:01', seen, keepFrom: '2024-01-01 00:00:02', upTo: '2024-01-01 00:00:02' });

  it('skips rows at or below the mark that were seen, on both paths alike, and fingerprints rows from keepFrom', () => {
    const seen = rowFingerprint(rows[1]) + rowFingerprint(['3', '2024-01-01 00:00:01', 'old', 1e21]);
    const a = new BoundaryFilter(schema, boundary(seen));
    expect(a.rows(rows).map((r) => r[0])).toEqual(['1', '3', '4']);
    const b = new BoundaryFilter(schema, boundary(seen));
    const out = b.text({ rows: 4, lastKey: ['4'], payload: packRows(rows, plainText) });
    expect(out.rows).toBe(3);
    expect(out.payload).toEqual(packRows([rows[0], rows[2], rows[3]], plainText));
    for (const f of [a, b]) {
      expect(f.tally()).toEqual({ skipped: 1, fresh: 1, seen: rowFingerprint(rows[3]) });
    }
  });

  it('leaves a batch untouched when nothing is skipped', () => {
    const f = new BoundaryFilter(schema, boundary(''));
    const batch = { rows: 4, lastKey: ['4'], payload: packRows(rows, plainText) };
    expect(f.text(batch)).toBe(batch);
  });
});

describe('cursor values', () => {
  it('step back by a duration or a number, and order like the source', () => {
    expect(stepBack(schema.columns[1], '2024-03-01 00:05:00', '10m')).toBe('2024-02-29 23:55:00');
    expect(stepBack(col('at', { kind: 'datetime', fsp: 6, utc: false }), '2024-01-01 00:00:00.250000', '1s')).toBe('2023-12-31 23:59:59.250000');
    expect(stepBack(col('d', { kind: 'date' }), '2024-01-02', '1m')).toBe('2024-01-01');
    expect(stepBack(schema.columns[0], '9007199254740993', 3)).toBe('9007199254740990');
    expect(stepBack(schema.columns[1], '2024-01-01 00:00:00', '0s')).toBe('2024-01-01 00:00:00');
    expect(() => stepBack(schema.columns[0], 5, '10m')).toThrow(/number of cursor units/);
    expect(() => stepBack(schema.columns[2], 'x', '10m')).toThrow(/needs a date/);
    const int = cursorCompare(schema.columns[0]);
    expect([int('-5', '3'), int('10', '9'), int('-10', '-9'), int('7', '7')].map(Math.sign)).toEqual([-1, 1, -1, 0]);
    const dec = cursorCompare(col('d', { kind: 'decimal', precision: 10, scale: 2 }));
    expect([dec('1.50', '1.5'), dec('-0.00', '0'), dec('10.01', '9.99'), dec('-2.5', '-2.25')].map(Math.sign)).toEqual([0, 0, 1, -1]);
    expect(cursorCompare(schema.columns[2])('a', 'b')).toBeNaN();
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('10 minutes')).toBeUndefined();
  });
});
