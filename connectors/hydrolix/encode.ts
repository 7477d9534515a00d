import { PermanentError, type Column, type Row, type Value } from '../types';

const INT_RE = /^-?\d+$/;

/** One value as JSON text. Integers are emitted as bare digits from the canonical string, so 64-bit values stay exact. */
export function encodeValue(col: Column, v: Value): string {
  if (v === null) return 'null';
  const bad = () => new PermanentError(`column ${col.name} (${col.sourceType}): unexpected value ${typeof v === 'object' ? '<binary>' : JSON.stringify(v)}`);
  switch (col.type.kind) {
    case 'int':
    case 'bit':
    case 'year':
    case 'boolean': {
      const s = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : typeof v === 'string' ? v : '';
      if (!INT_RE.test(s)) throw bad();
      return s;
    }
    case 'float':
      // JSON has no NaN/Infinity; sending null would lose the value silently.
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
      return String(v);
    case 'binary':
      if (!(v instanceof Uint8Array)) throw bad();
      return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
    default:
      if (typeof v !== 'string') throw bad();
      return JSON.stringify(v);
  }
}

/**
 * Builds the NDJSON lines of a batch by hand (not JSON.stringify of objects) so
 * int64/uint64 canonical strings are written as exact JSON numbers.
 */
export function encodeRows(columns: Column[], rows: Row[], extra?: { name: string; value: string }, names = columns.map((c) => c.name)): string[] {
  const keys = names.map((n) => `${JSON.stringify(n)}:`);
  const prefix = extra ? `{${JSON.stringify(extra.name)}:${JSON.stringify(extra.value)}` : '{';
  return rows.map((row) => {
    let line = prefix;
    for (let i = 0; i < columns.length; i++) {
      line += `${i === 0 && !extra ? '' : ','}${keys[i]}${encodeValue(columns[i], row[i] ?? null)}`;
    }
    return `${line}}`;
  });
}

/** Groups lines into bodies of at most maxBytes (uncompressed, newline included), keeping order. A lone oversized line goes alone. */
export function splitBodies(lines: string[], maxBytes: number): { body: string; rows: number }[] {
  const out: { body: string; rows: number }[] = [];
  let cur: string[] = [];
  let size = 0;
  for (const line of lines) {
    const n = Buffer.byteLength(line) + 1;
    if (cur.length && size + n > maxBytes) {
      out.push({ body: `${cur.join('\n')}\n`, rows: cur.length });
      cur = [];
      size = 0;
    }
    cur.push(line);
    size += n;
  }
  if (cur.length) out.push({ body: `${cur.join('\n')}\n`, rows: cur.length });
  return out;
}

/** The write time as the synthetic primary's value ('YYYY-MM-DD HH:MM:SS.mmm', UTC). */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
