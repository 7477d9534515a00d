import { describe, expect, it } from 'vitest';
import { evenIntegerBoundaries, scanRanges } from './plan';
import type { Column } from './types';

const int = (bits: 32 | 64): Column => ({ name: 'id', type: { kind: 'int', bits, unsigned: bits === 64 }, nullable: false, sourceType: 'int' });

describe('evenIntegerBoundaries', () => {
  it('splits a dense key evenly: every chunk within one row of chunkRows', () => {
    const b = evenIntegerBoundaries(int(32), '1', '1000000', 1_000_000, 50_000)!;
    expect(b).toHaveLength(19);
    expect(b[0]).toEqual([50_000]);
    expect(b[18]).toEqual([950_000]);
  });
  it('keeps 64-bit keys exact, as strings', () => {
    const b = evenIntegerBoundaries(int(64), '18446744073709000000', '18446744073709551615', 551_616, 200_000)!;
    expect(b).toEqual([['18446744073709183871'], ['18446744073709367743']]);
  });
  it('handles negative keys and gaps while at least half the values are used', () => {
    expect(evenIntegerBoundaries(int(32), '-100', '99', 150, 50)).toEqual([[-35], [32]]); // thirds of [-100, 99]
  });
  it('declines a sparse key (the caller walks it instead)', () => {
    expect(evenIntegerBoundaries(int(32), '1', '3000', 1000, 100)).toBeNull();
  });
  it('one chunk when the rows fit in one', () => {
    expect(evenIntegerBoundaries(int(32), '1', '10', 10, 50)).toEqual([]);
  });
});

describe('scanRanges', () => {
  const bounds = (min: unknown, max: unknown) => async () => [min, max] as [unknown, unknown];
  it('cuts [min, max] into open-ended ranges that cover every key once', async () => {
    expect(await scanRanges([int(32)], 2, bounds('1', '1000000'))).toEqual([
      { after: null, upTo: [500_000] },
      { after: [500_000], upTo: null },
    ]);
    const r = await scanRanges([int(64)], 3, bounds('18446744073709551613', '18446744073709551615'));
    expect(r).toEqual([
      { after: null, upTo: ['18446744073709551613'] },
      { after: ['18446744073709551613'], upTo: ['18446744073709551614'] },
      { after: ['18446744073709551614'], upTo: null },
    ]);
  });
  it('is one unbounded range for an empty set, a non-integer or composite key, or one part', async () => {
    const whole = [{ after: null, upTo: null }];
    expect(await scanRanges([int(32)], 2, bounds(null, null))).toEqual(whole);
    expect(await scanRanges([{ ...int(32), type: { kind: 'string' } } as Column], 2, bounds('a', 'z'))).toEqual(whole);
    expect(await scanRanges([int(32), int(32)], 2, bounds('1', '9'))).toEqual(whole);
    expect(await scanRanges([int(32)], 1, bounds('1', '9'))).toEqual(whole);
  });
  it('never repeats a cut when the span is smaller than the parts', async () => {
    expect(await scanRanges([int(32)], 4, bounds('5', '5'))).toEqual([
      { after: null, upTo: [4] },
      { after: [4], upTo: null },
    ]);
  });
});
