/**
 * One key-order pass over a row set that yields its exact tally and chunk boundaries together:
 * the planner's count and its boundaries come from the same statement, and the table is read
 * once instead of once to count and once more to find every Nth key.
 */
import type { KeyTuple, KeyWalk } from './types';

/**
 * Consumes keys in key order. Keeps every `every`-th key as a boundary; past `maxChunks` chunks it
 * drops every other boundary and doubles the spacing, so memory stays bounded whatever the
 * estimate the spacing came from. `sumOf` gives a row's integer key as digit text when the
 * tally sums a single integer key.
 */
export class KeyWalker<R> {
  private rows = 0;
  private sumBig = 0n;
  private sumSmall = 0; // exact while below 2^53: flushed into sumBig long before
  private readonly keys: KeyTuple[] = [];
  private lastAt = 0; // row number of the last kept key

  constructor(
    private every: number,
    private readonly maxChunks: number,
    private readonly keyOf: (row: R) => KeyTuple,
    private readonly sumOf: ((row: R) => string | number | bigint) | null,
  ) {
    if (!Number.isInteger(every) || every < 1) throw new Error('chunk rows must be a positive integer');
  }

  push(row: R): void {
    this.rows++;
    if (this.sumOf) this.add(this.sumOf(row));
    if (this.rows % this.every === 0) {
      this.keys.push(this.keyOf(row));
      this.lastAt = this.rows;
      if (this.keys.length + 1 > this.maxChunks) this.thin();
    }
  }

  finish(): KeyWalk {
    // A boundary on the last row would leave an empty final chunk: the open-ended last chunk covers it.
    if (this.keys.length > 0 && this.lastAt === this.rows) this.keys.pop();
    const keySum = this.sumOf ? (this.sumBig + BigInt(this.sumSmall)).toString() : null;
    return { tally: { rows: this.rows, keySum }, boundaries: this.keys, every: this.every };
  }

  private thin(): void {
    // Keys sit at rows every, 2·every, …: keep those at even multiples.
    let j = 0;
    for (let i = 1; i < this.keys.length; i += 2) this.keys[j++] = this.keys[i];
    this.keys.length = j;
    this.every *= 2;
    this.lastAt = j * this.every;
  }

  private add(v: string | number | bigint): void {
    if (typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 50) {
      this.sumSmall += v;
      if (Math.abs(this.sumSmall) >= 2 ** 52) {
        this.sumBig += BigInt(this.sumSmall);
        this.sumSmall = 0;
      }
    } else {
      this.sumBig += BigInt(v);
    }
  }
}
