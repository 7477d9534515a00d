/**
 * The packed text row format of TextBatch (types.ts): rows back to back, each a 4-byte header
 * that readers skip, then its fields: each the canonical text (UTF-8, unescaped) behind a length
 * prefix, NULL as one 0xFB byte. The prefix is MySQL's length-encoded integer: < 251 in one byte;
 * 0xFC + 2 bytes, 0xFD + 3, 0xFE + 8 (little-endian).
 *
 * Why this format: it is byte for byte a run of MySQL text-protocol row packets (the header is the
 * packet's: 3-byte length, sequence number), so a MySQL-family source copies the packets of one
 * socket read at once, and a destination finds every field by its length without scanning for
 * separators or undoing escapes. Only the writer that needs a delimited format (COPY text) pays
 * for escaping (toCopyText).
 */
import type { Row } from './types';

export const NULL_FIELD = 0xfb;
/** Bytes before each row's first field (a packet header; its content is not read). */
export const ROW_HEADER = 4;

/** A row header for a row of `n` bytes (as MySQL writes it; sequence 0) at `at`; returns the end. */
export function writeRowHeader(out: Buffer, at: number, n: number): number {
  const len = Math.min(n, 0xffffff);
  out[at] = len & 0xff;
  out[at + 1] = (len >>> 8) & 0xff;
  out[at + 2] = len >>> 16;
  out[at + 3] = 0;
  return at + ROW_HEADER;
}

/** Position after a field's length prefix; set by fieldLength. */
export const cursor = { pos: 0 };

/** Length of the field whose prefix starts at p (-1 for NULL); cursor.pos becomes the value's start. */
export function fieldLength(buf: Uint8Array, p: number): number {
  const b = buf[p];
  if (b < 0xfb) {
    cursor.pos = p + 1;
    return b;
  }
  if (b === NULL_FIELD) {
    cursor.pos = p + 1;
    return -1;
  }
  if (b === 0xfc) {
    cursor.pos = p + 3;
    return buf[p + 1] | (buf[p + 2] << 8);
  }
  if (b === 0xfd) {
    cursor.pos = p + 4;
    return buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16);
  }
  if (b === 0xfe) {
    cursor.pos = p + 9;
    const lo = (buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0;
    const hi = (buf[p + 5] | (buf[p + 6] << 8) | (buf[p + 7] << 16) | (buf[p + 8] << 24)) >>> 0;
    return hi * 2 ** 32 + lo;
  }
  throw new Error(`packed rows: bad length prefix 0x${b.toString(16)} at byte ${p}`);
}

/** The fields of the row starting (with its header) at p, as strings (null for NULL). */
export function rowFields(buf: Uint8Array, p: number, ncols: number): Array<string | null> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Array<string | null> = [];
  p += ROW_HEADER;
  for (let i = 0; i < ncols; i++) {
    const n = fieldLength(b, p);
    out.push(n < 0 ? null : b.toString('utf8', cursor.pos, cursor.pos + n));
    p = cursor.pos + (n > 0 ? n : 0);
  }
  return out;
}

function prefixLength(n: number): number {
  return n < 0xfb ? 1 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 9;
}

function writePrefix(out: Buffer, at: number, n: number): number {
  if (n < 0xfb) {
    out[at] = n;
    return at + 1;
  }
  if (n < 0x10000) {
    out[at] = 0xfc;
    out.writeUInt16LE(n, at + 1);
    return at + 3;
  }
  if (n < 0x1000000) {
    out[at] = 0xfd;
    out.writeUIntLE(n, at + 1, 3);
    return at + 4;
  }
  out[at] = 0xfe;
  out.writeUInt32LE(n % 2 ** 32, at + 1);
  out.writeUInt32LE(Math.floor(n / 2 ** 32), at + 5);
  return at + 9;
}

/** Decoded rows packed: value v of column i becomes `form(v, i)` (text as UTF-8, bytes as they are). */
export function packRows(rows: Row[], form: (v: NonNullable<Row[number]>, column: number) => string | Uint8Array): Buffer {
  const values: Array<Buffer | null> = [];
  const rowSizes: number[] = [];
  let size = 0;
  for (const row of rows) {
    let rowSize = 0;
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      const f = v === null || v === undefined ? null : form(v, i);
      const b = f === null ? null : typeof f === 'string' ? Buffer.from(f, 'utf8') : Buffer.from(f.buffer, f.byteOffset, f.byteLength);
      values.push(b);
      rowSize += b === null ? 1 : prefixLength(b.length) + b.length;
    }
    rowSizes.push(rowSize);
    size += ROW_HEADER + rowSize;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let v = 0;
  for (let r = 0; r < rows.length; r++) {
    at = writeRowHeader(out, at, rowSizes[r]);
    for (let i = 0; i < rows[r].length; i++) {
      const b = values[v++];
      if (b === null) out[at++] = NULL_FIELD;
      else {
        at = writePrefix(out, at, b.length);
        at += b.copy(out, at);
      }
    }
  }
  return out;
}

const BACKSLASH = 92;
const TAB = 9;
const LF = 10;
const CR = 13;
/** Below this a byte loop beats Buffer#copy's call overhead. */
const SHORT = 48;

/**
 * Packed rows → the COPY text format (lines, \t between fields, \N for NULL, \\ \t \n \r escaped).
 * `escape[i]` false promises column i never holds those bytes (digits, dates), so it is copied.
 */
export function toCopyText(payload: Uint8Array, ncols: number, escape: boolean[]): Buffer {
  const src = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  // Worst case: every byte escaped (prefixes shrink to nothing), plus \N and a separator per field.
  let out = Buffer.allocUnsafe(2 * src.length + 64);
  let len = 0;
  let p = 0;
  const end = src.length;
  while (p < end) {
    if (len + 2 * (end - p) + 3 * ncols > out.length) {
      const bigger = Buffer.allocUnsafe(2 * out.length + 3 * ncols);
      out.copy(bigger, 0, 0, len);
      out = bigger;
    }
    p += ROW_HEADER;
    for (let i = 0; i < ncols; i++) {
      if (i > 0) out[len++] = TAB;
      const n = fieldLength(src, p);
      p = cursor.pos;
      if (n < 0) {
        out[len++] = BACKSLASH;
        out[len++] = 78; // N
        continue;
      }
      const stop = p + n;
      if (escape[i]) {
        for (; p < stop; p++) {
          const c = src[p];
          if (c === BACKSLASH || c === TAB || c === LF || c === CR) {
            out[len++] = BACKSLASH;
            out[len++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 116 : c === LF ? 110 : 114;
          } else out[len++] = c;
        }
      } else if (n < SHORT) {
        for (; p < stop; p++) out[len++] = src[p];
      } else {
        len += src.copy(out, len, p, stop);
        p = stop;
      }
    }
    out[len++] = LF;
  }
  return out.subarray(0, len);
}
