/**
 * One page of text-protocol row packets kept as they arrived, headers included: a MySQL
 * text-protocol row packet is already a row of the packed text row format (packed-rows.ts). The
 * server sends every value in its packed form (read-text.test.ts proves it against the row path);
 * only zero dates need the row path's rules, so a row holding one is copied field by field with
 * the zero date as NULL (or the row path's error for a NOT NULL column).
 */
import type { Column } from '../types';
import { cursor, fieldLength, NULL_FIELD, ROW_HEADER, writeRowHeader } from '../packed-rows';

const ZERO = 48;
const DOT = 46;

/** The columns whose zero dates follow the row path's rules (singlestore/values.ts makeConverter). */
export interface ZeroDates {
  /** Column indexes, ascending. */
  columns: number[];
  /** Per entry of `columns`: the field is epoch seconds (zero is '0'), else 'YYYY-MM-DD…' (zero month or day). */
  epoch: boolean[];
  /**
   * The row path's value for a field that may hold a zero date (its text): null makes the field
   * NULL, anything else keeps it as sent; throws where the row path throws (a NOT NULL column).
   */
  verdict: (column: number, text: string) => unknown;
}

/** The date and datetime columns of a row set (`epoch`: read as epoch seconds), or null when none. */
export function zeroDateColumns(columns: Column[], epoch: (c: Column) => boolean, verdict: ZeroDates['verdict']): ZeroDates | null {
  const idx = columns.flatMap((c, i) => (c.type.kind === 'date' || c.type.kind === 'datetime' ? [i] : []));
  return idx.length ? { columns: idx, epoch: idx.map((i) => epoch(columns[i])), verdict } : null;
}

export class PackedPage {
  buf: Buffer;
  /** Bytes of `buf` in use; the pending span (below) is not in it yet. */
  len = 0;
  rows = 0;
  /** Where the last row starts in payload() (its key is the batch's lastKey). */
  lastRow = 0;
  private readonly lastDated: number;
  /**
   * Rows not copied yet: `spanSrc[spanStart, spanEnd)`, packets that lay back to back in one socket
   * chunk, headers included. One copy per chunk instead of one per row: Buffer#copy's per-call cost
   * (~0.3 µs, a view allocated each time) was ~20% of the worker's CPU on the text path.
   * Holding the span past the callback relies on each socket read being a buffer of its own, never
   * refilled (Node's default; mysql2 sets no `onread`); read-text.test.ts reads real pages through it.
   */
  private spanSrc: Buffer | null = null;
  private spanStart = 0;
  private spanEnd = 0;

  constructor(
    private readonly ncols: number,
    private readonly zero: ZeroDates | null,
    sizeHint: number,
    reuse?: Buffer,
  ) {
    this.buf = reuse && reuse.length >= sizeHint ? reuse : Buffer.allocUnsafe(sizeHint);
    this.lastDated = zero ? zero.columns[zero.columns.length - 1] : -1;
  }

  /** Adds the row whose packet payload is `src[start, end)` (its header, if any, right before). */
  add(src: Buffer, start: number, end: number): void {
    if (this.lastDated >= 0 && this.mayHoldZero(src, start)) return this.addWithoutZeroDates(src, start, end);
    this.rows++;
    if (src === this.spanSrc && start - ROW_HEADER === this.spanEnd) {
      this.lastRow = this.len + (this.spanEnd - this.spanStart);
      this.spanEnd = end;
      return;
    }
    this.flush();
    this.lastRow = this.len;
    if (start >= ROW_HEADER) {
      this.spanSrc = src;
      this.spanStart = start - ROW_HEADER;
      this.spanEnd = end;
      return;
    }
    // A packet mysql2 reassembled into a buffer of its own, without room for a header: write one.
    this.reserve(ROW_HEADER + end - start);
    this.len = writeRowHeader(this.buf, this.len, end - start);
    this.len += src.copy(this.buf, this.len, start, end);
  }

  /** The row with every zero date the row path turns into NULL written as NULL (rows are rare). */
  private addWithoutZeroDates(src: Buffer, start: number, end: number): void {
    const zero = this.zero!;
    this.flush();
    this.reserve(ROW_HEADER + end - start); // a NULL takes fewer bytes than the date it replaces
    this.rows++;
    this.lastRow = this.len;
    let at = this.len + ROW_HEADER;
    let p = start;
    let d = 0;
    for (let i = 0; i < this.ncols; i++) {
      const from = p;
      const n = fieldLength(src, p);
      p = cursor.pos + (n > 0 ? n : 0);
      if (i === zero.columns[d]) {
        const epoch = zero.epoch[d++];
        if (n >= 0 && isZero(src, cursor.pos, n, epoch) && zero.verdict(i, src.toString('latin1', cursor.pos, p)) === null) {
          this.buf[at++] = NULL_FIELD;
          continue;
        }
      }
      at += src.copy(this.buf, at, from, p);
    }
    writeRowHeader(this.buf, this.len, at - this.len - ROW_HEADER);
    this.len = at;
  }

  /** Whether a dated field of the row at p may hold a zero date. */
  private mayHoldZero(src: Buffer, p: number): boolean {
    const zero = this.zero!;
    let d = 0;
    for (let i = 0; i <= this.lastDated; i++) {
      const n = fieldLength(src, p);
      p = cursor.pos;
      if (i === zero.columns[d]) {
        if (n >= 0 && isZero(src, p, n, zero.epoch[d])) return true;
        d++;
      }
      if (n > 0) p += n;
    }
    return false;
  }

  payload(): Buffer {
    this.flush();
    return this.buf.subarray(0, this.len);
  }

  private flush(): void {
    if (!this.spanSrc) return;
    this.reserve(this.spanEnd - this.spanStart);
    this.len += this.spanSrc.copy(this.buf, this.len, this.spanStart, this.spanEnd);
    this.spanSrc = null;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}

/**
 * A zero date as the row path sees one (values.ts): 'YYYY-00-…' or 'YYYY-MM-00…' (isZeroDate), or
 * epoch seconds that are all zeros ('0', '0.000000': what UNIX_TIMESTAMP gives a zero TIMESTAMP).
 */
function isZero(src: Buffer, p: number, n: number, epoch: boolean): boolean {
  if (!epoch) return n >= 10 && ((src[p + 5] === ZERO && src[p + 6] === ZERO) || (src[p + 8] === ZERO && src[p + 9] === ZERO));
  if (n === 0 || src[p] !== ZERO) return false;
  let i = 1;
  while (i < n && src[p + i] === ZERO) i++;
  if (i < n && src[p + i] === DOT) i++;
  while (i < n && src[p + i] === ZERO) i++;
  return i === n;
}
