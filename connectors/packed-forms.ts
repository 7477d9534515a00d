/**
 * The packed forms of values (TextBatch, types.ts) that are not their canonical text, both ways:
 * binary travels as its bytes, bit as its number's big-endian bytes, and a datetime column a batch
 * lists in `epochSeconds` as seconds since 1970 (SingleStore TIMESTAMP). A MySQL-family server
 * sends exactly these in its text protocol, so a source copies them untouched; this module is for
 * the rare party that needs the canonical Value (a fallback, a test).
 */
import { cursor, fieldLength, packRows, ROW_HEADER } from './packed-rows';
import { plainText } from './text-rows';
import { PermanentError, type Column, type Row, type Value } from './types';

/** Pads or trims a `.ffffff` fraction to `fsp` digits (trimming truncates, as the row path does). */
export function normalizeFraction(s: string, fsp: number): string {
  const dot = s.indexOf('.');
  const head = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  return fsp === 0 ? head : `${head}.${frac.padEnd(fsp, '0').slice(0, fsp)}`;
}

/** BIT(n) bytes → decimal string. SingleStore sends 8 bytes for every BIT(n): the value is in the last ⌈n/8⌉. */
export function bitToDecimal(buf: Uint8Array, bits: number): string {
  const bytes = buf.subarray(Math.max(0, buf.length - Math.ceil(bits / 8)));
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString();
}

/** A BIT(n) value (decimal string) as its ⌈n/8⌉ big-endian bytes, as MySQL sends it. */
export function decimalToBit(v: string | number, bits: number): Buffer {
  let n = BigInt(v);
  const out = Buffer.alloc(Math.max(1, Math.ceil(bits / 8)));
  for (let i = out.length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** Epoch seconds text ('1577836800.5', SingleStore UNIX_TIMESTAMP()) → 'YYYY-MM-DD HH:MM:SS[.f]' in UTC. */
export function epochToUtc(epoch: string, fsp: number): string {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(epoch.trim());
  if (!m) throw new PermanentError(`unexpected UNIX_TIMESTAMP value ${JSON.stringify(epoch)}`);
  const iso = new Date(Number(m[1]) * 1000).toISOString(); // 2020-01-01T00:00:00.000Z
  return normalizeFraction(`${iso.slice(0, 10)} ${iso.slice(11, 19)}.${m[2] ?? ''}`, fsp);
}

/** A canonical Value's packed form in column `col` (never an epoch: packers write canonical datetimes). */
export function packedForm(col: Column, v: NonNullable<Value>): string | Uint8Array {
  if (col.type.kind === 'binary') return v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8');
  if (col.type.kind === 'bit') return decimalToBit(v instanceof Uint8Array ? bitToDecimal(v, col.type.bits) : v, col.type.bits);
  return plainText(v);
}

/** Canonical rows packed (what a MySQL-family server would send for them). */
export function packCanonicalRows(columns: Column[], rows: Row[]): Buffer {
  return packRows(rows, (v, i) => packedForm(columns[i], v));
}

/**
 * Packed rows → canonical rows, each value as the source's row path gives it: numbers for
 * integers up to 32 bits, booleans, years and floats; Buffers for binary; strings for the rest.
 */
export function unpackRows(payload: Uint8Array, rows: number, columns: Column[], epochSeconds: number[] = []): Row[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const epoch = new Set(epochSeconds);
  const decode = columns.map((c, i): ((s: number, e: number) => Value) => {
    const t = c.type;
    if (epoch.has(i) && t.kind === 'datetime') {
      return (s, e) => {
        const text = buf.toString('latin1', s, e);
        // The source turns a zero TIMESTAMP into NULL or an error before it is packed.
        if (/^0+(\.0*)?$/.test(text)) throw new Error(`column ${c.name}: zero epoch in packed rows`);
        return epochToUtc(text, t.fsp);
      };
    }
    switch (t.kind) {
      case 'binary':
        return (s, e) => Buffer.from(buf.subarray(s, e));
      case 'bit':
        return (s, e) => bitToDecimal(buf.subarray(s, e), t.bits);
      case 'boolean':
      case 'year':
      case 'float':
        return (s, e) => Number(buf.toString('latin1', s, e));
      case 'int':
        if (t.bits !== 64) return (s, e) => Number(buf.toString('latin1', s, e));
        return (s, e) => buf.toString('latin1', s, e);
      default:
        return (s, e) => buf.toString('utf8', s, e);
    }
  });
  const out: Row[] = [];
  let p = 0;
  for (let r = 0; r < rows; r++) {
    p += ROW_HEADER;
    const row: Row = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const n = fieldLength(buf, p);
      p = cursor.pos;
      if (n < 0) {
        row[i] = null;
        continue;
      }
      row[i] = decode[i](p, p + n);
      p += n;
    }
    out.push(row);
  }
  if (p !== buf.length) throw new Error(`packed rows: ${rows} rows end at byte ${p} of ${buf.length}`);
  return out;
}

/**
 * The canonical text's bytes of a packed field [s, e) (what the row path's value prints as): the
 * field itself, except BIT (its number) and epoch seconds (the UTC datetime). Binary stays bytes.
 */
export function canonicalFieldBytes(buf: Buffer, s: number, e: number, col: Column, epoch: boolean): Uint8Array {
  const t = col.type;
  if (t.kind === 'bit') return Buffer.from(bitToDecimal(buf.subarray(s, e), t.bits), 'latin1');
  if (epoch && t.kind === 'datetime') return Buffer.from(epochToUtc(buf.toString('latin1', s, e), t.fsp), 'latin1');
  return buf.subarray(s, e);
}

/** Field `index` of the row starting (with its header) at p, as bytes (a view), or null for NULL. */
export function fieldBytes(buf: Buffer, p: number, index: number): Buffer | null {
  p += ROW_HEADER;
  for (let i = 0; ; i++) {
    const n = fieldLength(buf, p);
    p = cursor.pos;
    if (i === index) return n < 0 ? null : buf.subarray(p, p + n);
    if (n > 0) p += n;
  }
}
