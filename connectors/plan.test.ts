import { describe, expect, it } from 'vitest';
import { evenIntegerBoundaries } from './plan';
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
