/**
 * The row filter of an incremental chunk (workflows/incremental.ts): skips rows an earlier run
 * already read (cursor at or below the previous mark, fingerprint in its set) and fingerprints
 * the rows the next run will read again (cursor in [keepFrom, upTo]). It works on both copy
 * paths and gives a row the same fingerprint on either: the hash of every value's canonical
 * text (bytes for binary values), floats normalised to JavaScript's spelling.
 */
import { hash } from 'node:crypto';
import { packCanonicalRows, unpackRows } from '../connectors/packed-forms';
import { cursor as fieldAt, fieldLength, ROW_HEADER } from '../connectors/packed-rows';
import { PermanentError, type Column, type Row, type TableSchema, type TextBatch, type Value } from '../connectors/types';
import { FINGERPRINT_BYTES, FINGERPRINT_CHARS, MAX_FINGERPRINTS, type ChunkBoundary } from '../workflows/incremental';
import { cursorCompare, type CursorCompare } from './cursor-values';

const NULL_LEN = 0xffffffff;
let scratch = Buffer.allocUnsafe(4096);

/**
 * Fingerprint of one row from its fields' bytes (null for NULL), each behind a 4-byte length:
 * 9 bytes of SHA-256, 12 base64 characters. One-shot hashing of one buffer (~3 µs a row here;
 * an incremental hasher object per row cost three times that).
 */
function fingerprintOf(fields: Array<Uint8Array | null>): string {
  let size = 0;
  for (const f of fields) size += 4 + (f === null ? 0 : f.length);
  if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size, 2 * scratch.length));
  let at = 0;
  for (const f of fields) {
    at = scratch.writeUInt32LE(f === null ? NULL_LEN : f.length, at);
    if (f !== null) {
      scratch.set(f, at);
      at += f.length;
    }
  }
  return hash('sha256', scratch.subarray(0, at), 'buffer').subarray(0, FINGERPRINT_BYTES).toString('base64');
}

/** A packed field [s, s+n) against a cursor value's bytes, without making a string of it; null when the kind needs one. */
type BytesCompare = (buf: Buffer, s: number, n: number, v: Buffer) => number;

/** Byte order of [s, s+n) against v (a loop: Buffer#compare with offsets costs a native call per row). */
function lexical(buf: Buffer, s: number, n: number, v: Buffer): number {
  const m = n < v.length ? n : v.length;
  for (let i = 0; i < m; i++) {
    const d = buf[s + i] - v[i];
    if (d !== 0) return d;
  }
  return n - v.length;
}

function bytesCompare(col: Column): BytesCompare | null {
  const kind = col.type.kind;
  if (kind === 'date' || kind === 'datetime') return lexical;
  if (kind === 'int' || kind === 'year') {
    return (buf, s, n, v) => {
      const neg = n > 0 && buf[s] === 45; // '-'
      const vneg = v.length > 0 && v[0] === 45;
      if (neg !== vneg) return neg ? -1 : 1;
      if (n !== v.length) return (neg ? -1 : 1) * (n - v.length);
      return (neg ? -1 : 1) * lexical(buf, s, n, v);
    };
  }
  return null;
}

const valueBytes = (v: Value): Uint8Array | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : typeof v === 'number' ? Buffer.from(String(v)) : v;

export function rowFingerprint(row: Row): string {
  return fingerprintOf(row.map(valueBytes));
}

/** The same fingerprint from a packed row's fields (floats respelled as a decoded row would print them). */
export function packedFingerprint(buf: Buffer, rowStart: number, isFloat: boolean[]): string {
  const fields: Array<Uint8Array | null> = [];
  let p = rowStart + ROW_HEADER;
  for (let i = 0; i < isFloat.length; i++) {
    const n = fieldLength(buf, p);
    const s = fieldAt.pos;
    p = s + (n > 0 ? n : 0);
    if (n < 0) fields.push(null);
    else if (isFloat[i]) fields.push(Buffer.from(String(Number(buf.toString('latin1', s, s + n)))));
    else fields.push(buf.subarray(s, s + n));
  }
  return fingerprintOf(fields);
}

export interface BoundaryTally {
  /** Rows read and not written: an earlier run delivered them unchanged. */
  skipped: number;
  /** Rows written whose cursor is past the previous mark (only this run can have written those). */
  fresh: number;
  /** Fingerprints for the next run, concatenated. */
  seen: string;
}

export class BoundaryFilter {
  private readonly seenBefore: Set<string>;
  private readonly cmp: CursorCompare;
  private readonly ci: number;
  private readonly isFloat: boolean[];
  private readonly columns: Column[];
  private readonly hasBit: boolean;
  private readonly mark: string | null;
  private readonly keepFrom: string | null;
  private readonly bytesCmp: BytesCompare | null;
  private readonly markBytes: Buffer | null;
  private readonly keepBytes: Buffer | null;
  private kept: string[] = [];
  private keptCount = 0;
  /**
   * Off while a resumed chunk accounts for rows that landed before a crash: a row there may have
   * changed after the crashed attempt passed it, so it must not be remembered as delivered.
   */
  collect = true;
  skipped = 0;
  fresh = 0;

  constructor(schema: TableSchema, private readonly b: ChunkBoundary, carried?: Partial<BoundaryTally>) {
    this.ci = schema.columns.findIndex((c) => c.name === b.column);
    if (this.ci < 0) throw new PermanentError(`options.cursor_column ${b.column} is not a column of the source rows`);
    this.cmp = cursorCompare(schema.columns[this.ci]);
    this.isFloat = schema.columns.map((c) => c.type.kind === 'float');
    this.columns = schema.columns;
    this.hasBit = schema.columns.some((c) => c.type.kind === 'bit');
    this.mark = b.mark === null ? null : String(b.mark);
    this.keepFrom = b.keepFrom === null ? null : String(b.keepFrom);
    this.bytesCmp = bytesCompare(schema.columns[this.ci]);
    this.markBytes = this.mark === null ? null : Buffer.from(this.mark);
    this.keepBytes = this.keepFrom === null ? null : Buffer.from(this.keepFrom);
    this.seenBefore = new Set();
    for (let i = 0; i + FINGERPRINT_CHARS <= b.seen.length; i += FINGERPRINT_CHARS) this.seenBefore.add(b.seen.slice(i, i + FINGERPRINT_CHARS));
    this.skipped = carried?.skipped ?? 0;
    this.fresh = carried?.fresh ?? 0;
    if (carried?.seen) this.kept.push(carried.seen);
    this.keptCount = Math.floor((carried?.seen?.length ?? 0) / FINGERPRINT_CHARS);
  }

  tally(): BoundaryTally {
    if (this.kept.length > 1) this.kept = [this.kept.join('')];
    return { skipped: this.skipped, fresh: this.fresh, seen: this.kept[0] ?? '' };
  }

  /**
   * One row's fate from its cursor text; `fingerprint` is called only for rows near a boundary.
   * Returns true to write it.
   */
  private decide(cursorText: string | null, fingerprint: () => string): boolean {
    // A NULL cursor is never inside a window (SQL comparisons exclude it); written as read.
    if (cursorText === null) return true;
    return this.decideBy(this.mark !== null && this.cmp(cursorText, this.mark) <= 0, this.keepFrom !== null && this.cmp(cursorText, this.keepFrom) >= 0, fingerprint);
  }

  private decideBy(atOrBelowMark: boolean, inKeepRange: boolean, fingerprint: () => string): boolean {
    // Past the cap the workflow drops the whole set: one more than the cap tells it so.
    const keep = inKeepRange && this.collect && this.keptCount <= MAX_FINGERPRINTS;
    const mayBeSeen = atOrBelowMark && this.seenBefore.size > 0;
    if (!keep && !mayBeSeen) {
      if (!atOrBelowMark) this.fresh++;
      return true;
    }
    const fp = fingerprint();
    if (keep) {
      this.kept.push(fp);
      this.keptCount++;
    }
    if (mayBeSeen && this.seenBefore.has(fp)) {
      this.skipped++;
      return false;
    }
    if (!atOrBelowMark) this.fresh++;
    return true;
  }

  /** Rows to write from a decoded batch. */
  rows(batch: Row[]): Row[] {
    const ci = this.ci;
    const out: Row[] = [];
    for (const row of batch) {
      const v = row[ci];
      const text = v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Buffer.from(v).toString('utf8');
      if (this.decide(text, () => rowFingerprint(row))) out.push(row);
    }
    return out;
  }

  /** Packed rows to write from a text batch (the same batch when none is skipped); only the row count and payload change. */
  text(batch: TextBatch): TextBatch {
    // BIT bytes and epoch seconds (types.ts TextBatch) are not the canonical text cursors and
    // fingerprints use: such batches are filtered as decoded rows and packed again canonically.
    if (this.hasBit || batch.epochSeconds?.length) {
      const kept = this.rows(unpackRows(batch.payload, batch.rows, this.columns, batch.epochSeconds));
      return { rows: kept.length, lastKey: batch.lastKey, payload: packCanonicalRows(this.columns, kept) };
    }
    const buf = Buffer.from(batch.payload.buffer, batch.payload.byteOffset, batch.payload.byteLength);
    const ncols = this.isFloat.length;
    const ci = this.ci;
    let dropped: Array<[number, number]> | null = null;
    const bytesCmp = this.bytesCmp;
    const { markBytes, keepBytes } = this;
    let p = 0;
    while (p < buf.length) {
      const start = p;
      p += ROW_HEADER;
      let cs = 0;
      let cn = -1;
      for (let i = 0; i < ncols; i++) {
        const n = fieldLength(buf, p);
        const s = fieldAt.pos;
        if (i === ci) {
          cs = s;
          cn = n;
        }
        p = s + (n > 0 ? n : 0);
      }
      if (cn < 0) continue;
      let write: boolean;
      if (bytesCmp) {
        const below = markBytes !== null && bytesCmp(buf, cs, cn, markBytes) <= 0;
        const inKeep = keepBytes !== null && bytesCmp(buf, cs, cn, keepBytes) >= 0;
        // Most rows are past the mark and short of the keep range: written with no fingerprint.
        if (!below && !inKeep) {
          this.fresh++;
          continue;
        }
        write = this.decideBy(below, inKeep, () => packedFingerprint(buf, start, this.isFloat));
      } else {
        write = this.decide(buf.toString('utf8', cs, cs + cn), () => packedFingerprint(buf, start, this.isFloat));
      }
      if (!write) (dropped ??= []).push([start, p]);
    }
    if (dropped === null) return batch;
    const parts: Buffer[] = [];
    let at = 0;
    for (const [s, e] of dropped) {
      if (s > at) parts.push(buf.subarray(at, s));
      at = e;
    }
    if (at < buf.length) parts.push(buf.subarray(at));
    // The kept rows are copied out, so the source's page can be released at once.
    return { rows: batch.rows - dropped.length, lastKey: batch.lastKey, payload: Buffer.concat(parts) };
  }
}
