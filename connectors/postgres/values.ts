import { PermanentError, type Column, type KeyValue, type Value } from '../types';

export type Converter = (v: unknown) => Value;

/** Pads or trims a `.ffffff` fraction to fsp digits (PostgreSQL drops trailing zeros). */
export function normalizeFraction(s: string, fsp: number): string {
  const dot = s.indexOf('.');
  const head = dot < 0 ? s : s.slice(0, dot);
  if (fsp === 0) return head;
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  return `${head}.${frac.length === fsp ? frac : frac.padEnd(fsp, '0').slice(0, fsp)}`;
}

/** timestamptz text on a UTC session ends in `+00`; the canonical form has no zone. */
const stripUtc = (s: string) => (s.endsWith('+00') ? s.slice(0, -3) : s);

/**
 * PostgreSQL text (pool.ts hands every value over as text, bytea as Buffer) → canonical Value
 * for the portable type. Used for source rows and for destination keys (landedRows), where the
 * stored type may differ from the portable one (e.g. numeric(20,0) for BIGINT UNSIGNED).
 * `pgType` is the stored type as format_type() prints it.
 */
export function makeConverter(col: Column, pgType: string): Converter {
  const t = col.type;
  switch (t.kind) {
    case 'int':
      return t.bits === 64 ? (v) => (v == null ? null : String(v)) : (v) => (v == null ? null : Number(v));
    case 'year': case 'float':
      return (v) => (v == null ? null : Number(v));
    case 'boolean':
      // boolean column prints t/f; a smallint one (options.boolean_as) prints digits.
      return (v) => (v == null ? null : v === 't' ? 1 : v === 'f' ? 0 : Number(v));
    case 'bit':
      // PG bit(n) prints a bit string; our destination stores the number.
      return (v) => {
        if (v == null) return null;
        const s = String(v);
        return /^bit\b(?! varying)/.test(pgType) ? BigInt(`0b${s || '0'}`).toString() : s;
      };
    case 'datetime':
      return (v) => (v == null ? null : normalizeFraction(stripUtc(String(v)), t.fsp));
    case 'time':
      return (v) => (v == null ? null : normalizeFraction(String(v), t.fsp));
    case 'binary':
      return (v) => (v == null ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
    default:
      return (v) => (v == null ? null : String(v));
  }
}

/** A canonical value as a JSON-safe key component: binary keys travel as hex. */
export function toKeyValue(col: Column, v: Value): KeyValue {
  if (v === null) throw new PermanentError(`key column "${col.name}" holds NULL; the ordering key must be non-null`);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}
