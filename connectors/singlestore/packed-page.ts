/**
 * One page of text-protocol row packets kept as they arrived, headers included: a MySQL
 * text-protocol row packet is already a row of the packed text row format (packed-rows.ts). The server's
 * text for every text-able kind is the value's canonical text (read-text.test.ts proves it
 * against the row path); only zero dates need the row path's rules.
 */
import type { Column } from '../types';
import { cursor, fieldLength, ROW_HEADER, writeRowHeader } from '../packed-rows';

const ZERO = 48;

/** Indexes of the date and datetime columns: a zero month or day there sends the page to the row path. */
export function datedColumns(columns: Column[]): number[] {
  return columns.flatMap((c, i) => (c.type.kind === 'date' || c.type.kind === 'datetime' ? [i] : []));
}

export class PackedPage {
  buf: Buffer;
  /** Bytes of `buf` in use; the pending span (below) is not in it yet. */
  len = 0;
  rows = 0;
  /** Where the last row starts in payload() (its key is the batch's lastKey). */
  lastRow = 0;
  /** False once a row held a zero date: the page must be read again through the row path. */
  complete = true;
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
    private readonly dated: number[],
    sizeHint: number,
    reuse?: Buffer,
  ) {
    this.buf = reuse && reuse.length >= sizeHint ? reuse : Buffer.allocUnsafe(sizeHint);
    this.lastDated = dated.length ? dated[dated.length - 1] : -1;
  }

  /** Adds the row whose packet payload is `src[start, end)` (its header, if any, right before). */
  add(src: Buffer, start: number, end: number): void {
    if (this.lastDated >= 0 && this.complete && hasZeroDate(src, start, this.dated, this.lastDated)) this.complete = false;
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

/** 'YYYY-MM-DD…' with month (bytes 5–6) or day (8–9) '00' in any dated column of the row at p. */
function hasZeroDate(src: Buffer, p: number, dated: number[], lastDated: number): boolean {
  let d = 0;
  for (let i = 0; i <= lastDated; i++) {
    const n = fieldLength(src, p);
    p = cursor.pos;
    if (i === dated[d]) {
      d++;
      if (n >= 10 && ((src[p + 5] === ZERO && src[p + 6] === ZERO) || (src[p + 8] === ZERO && src[p + 9] === ZERO))) return true;
    }
    if (n > 0) p += n;
  }
  return false;
}
