/**
 * One key-order pass over a row set that yields its exact tally and chunk boundaries together:
 * the planner's count and its boundaries come from the same statement, and the table is read
 * once instead of once to count and once more to find every Nth key.
 */
import type { KeyTuple, KeyWalk } from './types';

/**
 * What a walk found. `stopped`: it ended at `stopAfter` rows with more to come, so it has the
 * boundaries up to there (the open-ended last chunk takes the rest) and no tally; else the whole
 * row set was walked and the tally is exact.
 */
export type WalkResult = (KeyWalk & { stopped: false }) | { stopped: true; boundaries: KeyTuple[]; every: number };

/**
 * The LIMIT of a walk that stops at its last boundary: `chunks` chunks of `every` rows need the
 * keys of the first (chunks − 1) · every rows; one row more tells whether more follow. Undefined
 * (walk everything) for one chunk.
 */
export function walkLimit(every: number, chunks: number): number | undefined {
  return chunks > 1 ? (chunks - 1) * every + 1 : undefined;
}

/** A last chunk under 1/TAIL_DIVISOR of the spacing is not kept on its own (see finish). */
const TAIL_DIVISOR = 8;
/** Keys kept for rebalancing: one every `every / FINE_STEPS` rows … */
const FINE_STEPS = 64;
/** … and at most this many (past it, every other one is dropped and their spacing doubles). */
const FINE_CAP = 16_384;

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
  /** Keys at rows fineEvery, 2·fineEvery, …: where balanced boundaries are picked from. */
  private readonly fine: KeyTuple[] = [];
  private fineEvery: number;

  constructor(
    private every: number,
    private readonly maxChunks: number,
    private readonly keyOf: (row: R) => KeyTuple,
    private readonly sumOf: ((row: R) => string | number | bigint) | null,
    /** Rows after which the walk stops keeping keys (see walkLimit): the statement's LIMIT minus one. */
    private readonly stopAfter = Infinity,
  ) {
    if (!Number.isInteger(every) || every < 1) throw new Error('chunk rows must be a positive integer');
    this.fineEvery = Math.max(1, Math.floor(every / FINE_STEPS));
  }

  push(row: R): void {
    this.rows++;
    if (this.rows > this.stopAfter) return; // the row that says more follow
    if (this.sumOf) this.add(this.sumOf(row));
    const boundary = this.rows % this.every === 0;
    const fine = this.rows % this.fineEvery === 0;
    if (!boundary && !fine) return;
    const key = this.keyOf(row);
    if (fine) {
      this.fine.push(key);
      if (this.fine.length > FINE_CAP) this.fineEvery = halve(this.fine, this.fineEvery);
    }
    if (boundary) {
      this.keys.push(key);
      this.lastAt = this.rows;
      if (this.keys.length + 1 > this.maxChunks) {
        this.every = halve(this.keys, this.every);
        this.lastAt = this.keys.length * this.every;
      }
    }
  }

  /**
   * The tally and the boundaries. A boundary on the last row would leave an empty final chunk,
   * and one a few rows before it a chunk that runs alone after the others (what a row estimate a
   * few percent low does): then the rows are cut into one chunk fewer, each at most about an
   * eighth bigger than the spacing asked for, and of equal size (within a sixty-fourth of the
   * spacing up to 256 chunks; past that the last boundary is just dropped).
   */
  finish(): KeyWalk {
    const r = this.result();
    if (r.stopped) throw new Error('the walk stopped before the end of the rows: it has no tally (use result())');
    return { tally: r.tally, boundaries: r.boundaries, every: r.every };
  }

  /** finish() for a walk that may have stopped early (see stopAfter). */
  result(): WalkResult {
    if (this.rows > this.stopAfter) return { stopped: true, boundaries: this.keys, every: this.every };
    const keySum = this.sumOf ? (this.sumBig + BigInt(this.sumSmall)).toString() : null;
    const tail = this.rows - this.lastAt;
    let boundaries = this.keys;
    if (this.keys.length > 0 && tail * TAIL_DIVISOR < this.every) {
      const fineEnough = tail > 0 && this.fineEvery <= Math.max(1, Math.floor(this.every / FINE_STEPS));
      boundaries = fineEnough ? this.balanced(this.keys.length) : this.keys.slice(0, -1);
    }
    return { stopped: false, tally: { rows: this.rows, keySum }, boundaries, every: this.every };
  }

  /** Boundaries cutting the rows into `chunks` nearly equal chunks, picked from the fine keys. */
  private balanced(chunks: number): KeyTuple[] {
    const out: KeyTuple[] = [];
    let last = 0; // fine key number (1-based) of the previous boundary
    for (let j = 1; j < chunks; j++) {
      const at = Math.round((j * this.rows) / chunks / this.fineEvery);
      // Ascending and distinct, and never the last row (its chunk would be empty).
      const m = Math.min(Math.max(at, last + 1), this.fine.length);
      if (m <= last || m * this.fineEvery >= this.rows) break;
      out.push(this.fine[m - 1]);
      last = m;
    }
    return out;
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

/** Keys at rows s, 2s, …: keeps those at even multiples in place; returns the doubled spacing. */
function halve(keys: KeyTuple[], spacing: number): number {
  let j = 0;
  for (let i = 1; i < keys.length; i += 2) keys[j++] = keys[i];
  keys.length = j;
  return spacing * 2;
}
