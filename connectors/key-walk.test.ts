import { describe, expect, it } from 'vitest';
import { KeyWalker, walkLimit } from './key-walk';

/** Walks rows 1..n (each row's key is its number) and returns the chunk sizes the boundaries make. */
function chunks(n: number, every: number, maxChunks = 5000): { sizes: number[]; rows: number } {
  const w = new KeyWalker<number>(every, maxChunks, (r) => [r], (r) => r);
  for (let r = 1; r <= n; r++) w.push(r);
  const walk = w.finish();
  const cuts = walk.boundaries.map((b) => Number(b[0]));
  const sizes = [...cuts, n].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]));
  return { sizes, rows: walk.tally.rows };
}

describe('KeyWalker', () => {
  it('cuts every `every` rows and counts exactly', () => {
    expect(chunks(2345, 500)).toEqual({ sizes: [500, 500, 500, 500, 345], rows: 2345 });
    expect(chunks(2000, 500).sizes).toEqual([500, 500, 500, 500]); // no empty chunk after a boundary on the last row
  });

  it('cuts one chunk fewer, of equal sizes, when the last would hold under an eighth of the spacing', () => {
    // An estimate 4% low: 500,000 rows walked with the spacing planned for 477,880 (fine keys every 3,733 rows).
    expect(chunks(500_000, 238_940).sizes).toEqual([250_111, 249_889]);
    expect(chunks(2_040_000, 500_000).sizes).toEqual([507_780, 515_592, 507_780, 508_848]); // fine keys every 7,812 rows
    expect(chunks(1062, 500).sizes).toEqual([532, 530]);
    expect(chunks(1063, 500).sizes).toEqual([500, 500, 63]); // 63 rows: an eighth of 500 or more, kept
    expect(chunks(21, 10).sizes).toEqual([11, 10]);
    expect(chunks(7, 1).sizes).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('balances chunks whatever the sizes (generated)', () => {
    for (let n = 1; n <= 3000; n += 7) {
      for (const every of [1, 3, 64, 100, 999]) {
        const { sizes, rows } = chunks(n, every);
        expect(rows).toBe(n);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
        expect(Math.min(...sizes), `n ${n} every ${every}`).toBeGreaterThan(0);
        // Never more than an eighth past the spacing, plus the fine keys' granularity.
        expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(every * (1 + 1 / 8)) + Math.max(1, Math.floor(every / 64)));
      }
    }
  });

  it('sums the key exactly past 2^53', () => {
    const w = new KeyWalker<bigint>(2, 10, (r) => [r.toString()], (r) => r);
    for (const v of [2n ** 60n, 2n ** 60n, 3n]) w.push(v);
    expect(w.finish().tally).toEqual({ rows: 3, keySum: (2n ** 61n + 3n).toString() });
  });

  it('doubles the spacing past maxChunks', () => {
    const { sizes } = chunks(104, 5, 6);
    expect(sizes).toEqual([20, 20, 20, 20, 20, 4]);
  });

  it('stops at the last boundary the estimate asks for, without a tally, when more rows follow', () => {
    // Estimate 477,880 → 2 chunks of 238,940: the keys of the first 238,941 rows are enough.
    const limit = walkLimit(238_940, 2)!;
    expect(limit).toBe(238_941);
    const w = new KeyWalker<number>(238_940, 5000, (r) => [r], (r) => r, limit - 1);
    for (let r = 1; r <= limit; r++) w.push(r); // the statement's LIMIT: the walk reads no further
    expect(w.result()).toEqual({ stopped: true, boundaries: [[238_940]], every: 238_940 });
    expect(() => w.finish()).toThrow(/no tally/);
    expect(walkLimit(500, 1)).toBeUndefined();
  });

  it('a walk with a limit that reaches the end first is a whole walk: exact tally, the usual boundaries', () => {
    const limit = walkLimit(1000, 3)!; // estimate 3,000: LIMIT 2,001; the table holds 2,040, then 1,900
    const over = new KeyWalker<number>(1000, 5000, (r) => [r], (r) => r, limit - 1);
    for (let r = 1; r <= limit; r++) over.push(r);
    expect(over.result()).toEqual({ stopped: true, boundaries: [[1000], [2000]], every: 1000 });
    const w = new KeyWalker<number>(1000, 5000, (r) => [r], (r) => r, limit - 1);
    for (let r = 1; r <= 1900; r++) w.push(r);
    expect(w.result()).toEqual({ stopped: false, tally: { rows: 1900, keySum: String((1900 * 1901) / 2) }, boundaries: [[1000]], every: 1000 });
    const short = new KeyWalker<number>(1000, 5000, (r) => [r], (r) => r, limit - 1);
    for (let r = 1; r <= 1100; r++) short.push(r);
    expect(short.finish().boundaries).toEqual([]); // 100 rows past the boundary: one chunk
  });
});
