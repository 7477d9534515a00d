/**
 * Text-protocol row packets → lines of the text row format (text-rows.ts), byte by byte with no
 * value decoded: the server's text for every text-able kind is already its canonical text
 * (read-text.test.ts proves it against the row path), so a field only needs escaping and NULL
 * spelled `\N`.
 */
import type { Column } from '../types';

/** How a column's bytes become a field. */
export const enum FieldMode {
  /** Digits, decimals, times: no byte needs escaping. */
  Verbatim = 0,
  /** Free text: may hold a backslash, tab, newline or carriage return. */
  Escaped = 1,
  /** A date or datetime: verbatim, but a zero month or day sends the page to the row path. */
  Dated = 2,
}

const FREE_TEXT = new Set(['string', 'enum', 'set', 'json']);

export function fieldModes(columns: Column[]): Uint8Array {
  return Uint8Array.from(columns, (c) =>
    FREE_TEXT.has(c.type.kind) ? FieldMode.Escaped : c.type.kind === 'date' || c.type.kind === 'datetime' ? FieldMode.Dated : FieldMode.Verbatim,
  );
}

const BACKSLASH = 92;
const TAB = 9;
const LF = 10;
const CR = 13;
const ZERO = 48;
/** Below this a byte loop beats Buffer#copy's call overhead. */
const SHORT = 32;

/** One page's lines in one growing buffer. */
export class LineBuffer {
  buf: Buffer;
  len = 0;
  rows = 0;
  /** False once a row held a zero date: the page must be read again through the row path. */
  complete = true;

  constructor(
    private readonly modes: Uint8Array,
    sizeHint: number,
  ) {
    this.buf = Buffer.allocUnsafe(sizeHint);
  }

  /** Appends the row in `src[pos, end)`: length-encoded fields, 0xFB for NULL. */
  add(src: Buffer, pos: number, end: number): void {
    const modes = this.modes;
    this.rows++;
    // Worst case: every byte escaped, plus `\N` and a separator per field.
    const need = this.len + 2 * (end - pos) + 3 * modes.length + 1;
    if (need > this.buf.length) this.grow(need);
    const out = this.buf;
    let len = this.len;
    for (let i = 0; i < modes.length; i++) {
      if (i > 0) out[len++] = TAB;
      let n = src[pos++];
      if (n === 0xfb) {
        out[len++] = BACKSLASH;
        out[len++] = 78; // N
        continue;
      }
      if (n === 0xfc) {
        n = src[pos] | (src[pos + 1] << 8);
        pos += 2;
      } else if (n === 0xfd) {
        n = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16);
        pos += 3;
      } else if (n === 0xfe) {
        n = src.readUInt32LE(pos) + src.readUInt32LE(pos + 4) * 2 ** 32;
        pos += 8;
      }
      const stop = pos + n;
      const mode = modes[i];
      if (mode === FieldMode.Escaped) {
        for (; pos < stop; pos++) {
          const c = src[pos];
          if (c === BACKSLASH || c === TAB || c === LF || c === CR) {
            out[len++] = BACKSLASH;
            out[len++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 116 : c === LF ? 110 : 114;
          } else out[len++] = c;
        }
        continue;
      }
      // 'YYYY-MM-DD…': month at 5–6, day at 8–9.
      if (mode === FieldMode.Dated && n >= 10 && ((src[pos + 5] === ZERO && src[pos + 6] === ZERO) || (src[pos + 8] === ZERO && src[pos + 9] === ZERO))) {
        this.complete = false;
      }
      if (n < SHORT) {
        for (; pos < stop; pos++) out[len++] = src[pos];
      } else {
        len += src.copy(out, len, pos, stop);
        pos = stop;
      }
    }
    out[len++] = LF;
    this.len = len;
  }

  payload(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, need));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}
