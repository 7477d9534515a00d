/**
 * One page of text-protocol row packets kept as they arrived: a MySQL text-protocol row is
 * already a row of the packed text row format (packed-rows.ts), so each is one copy. The server's
 * text for every text-able kind is the value's canonical text (read-text.test.ts proves it
 * against the row path); only zero dates need the row path's rules.
 */
import type { Column } from '../types';
import { cursor, fieldLength } from '../packed-rows';

const ZERO = 48;

/** Indexes of the date and datetime columns: a zero month or day there sends the page to the row path. */
export function datedColumns(columns: Column[]): number[] {
  return columns.flatMap((c, i) => (c.type.kind === 'date' || c.type.kind === 'datetime' ? [i] : []));
}

export class PackedPage {
  buf: Buffer;
  len = 0;
  rows = 0;
  /** Where the last row starts (its key is the batch's lastKey). */
  lastRow = 0;
  /** False once a row held a zero date: the page must be read again through the row path. */
  complete = true;
  private readonly lastDated: number;

  constructor(
    private readonly ncols: number,
    private readonly dated: number[],
    sizeHint: number,
    reuse?: Buffer,
  ) {
    this.buf = reuse && reuse.length >= sizeHint ? reuse : Buffer.allocUnsafe(sizeHint);
    this.lastDated = dated.length ? dated[dated.length - 1] : -1;
  }

  /** Appends the row packet payload `src[start, end)`. */
  add(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.len + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    if (this.lastDated >= 0 && this.complete && hasZeroDate(src, start, this.dated, this.lastDated)) this.complete = false;
    this.lastRow = this.len;
    this.len += src.copy(this.buf, this.len, start, end);
    this.rows++;
  }

  payload(): Buffer {
    return this.buf.subarray(0, this.len);
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
