import { describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { encodeRows, formatUtc, splitBodies } from './encode';
import { col } from './test-helpers';

const cols = [
  col('u64', { kind: 'int', bits: 64, unsigned: true }),
  col('i64', { kind: 'int', bits: 64, unsigned: false }),
  col('i32', { kind: 'int', bits: 32, unsigned: false }),
  col('s', { kind: 'string' }),
  col('dec', { kind: 'decimal', precision: 30, scale: 10 }),
  col('bin', { kind: 'binary' }),
  col('j', { kind: 'json' }),
  col('f', { kind: 'float', bits: 64 }),
  col('bit', { kind: 'bit', bits: 64 }),
];

describe('encodeRows', () => {
  it('emits exact 64-bit integers, escaped strings, base64 and nulls', () => {
    const [line] = encodeRows(cols, [
      ['18446744073709551615', '-9223372036854775808', -5, 'a "quoted" \\ 😀\n', '12345678901234567890.0123456789', Buffer.from([0, 255, 1]), '{"a":[1,2]}', 0.1, '18446744073709551615'],
    ]);
    expect(line).toBe(
      '{"u64":18446744073709551615,"i64":-9223372036854775808,"i32":-5,"s":"a \\"quoted\\" \\\\ 😀\\n",' +
        '"dec":"12345678901234567890.0123456789","bin":"AP8B","j":"{\\"a\\":[1,2]}","f":0.1,"bit":18446744073709551615}',
    );
    expect(JSON.parse(line).s).toBe('a "quoted" \\ 😀\n');
  });

  it('writes NULL as null', () => {
    const [line] = encodeRows(cols, [cols.map(() => null)]);
    expect(JSON.parse(line)).toEqual(Object.fromEntries(cols.map((c) => [c.name, null])));
  });

  it('prepends the synthetic primary', () => {
    expect(encodeRows([cols[2]], [[1]], { name: '_es_ingested_at', value: formatUtc(0) })).toEqual([
      '{"_es_ingested_at":"1970-01-01 00:00:00.000","i32":1}',
    ]);
  });

  it('refuses values it cannot represent exactly', () => {
    expect(() => encodeRows([cols[0]], [['1e5']])).toThrow(PermanentError);
    expect(() => encodeRows([cols[7]], [[NaN]])).toThrow(PermanentError);
    expect(() => encodeRows([cols[2]], [[2 ** 60]])).toThrow(PermanentError);
  });
});

describe('splitBodies', () => {
  it('keeps order and respects the byte cap', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `{"i":${i}}`); // 8 bytes + newline
    const bodies = splitBodies(lines, 30);
    expect(bodies.map((b) => b.rows)).toEqual([3, 3, 3, 1]);
    expect(bodies.map((b) => b.body).join('')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(bodies.every((b) => Buffer.byteLength(b.body) <= 30)).toBe(true);
  });
  it('counts bytes, not characters, and sends an oversized line alone', () => {
    expect(splitBodies(['😀😀😀', 'a'], 5).map((b) => b.rows)).toEqual([1, 1]);
  });
});
