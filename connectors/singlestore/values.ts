import { PermanentError, type Column, type KeyValue, type Value } from '../types';
import type { Flavor } from './flavor';

export type Converter = (v: unknown) => Value;

/** Pads or trims a `.ffffff` fraction to the column's fsp (S2 always sends 6 digits). */
export function normalizeFraction(s: string, fsp: number): string {
  const dot = s.indexOf('.');
  const head = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  return fsp === 0 ? head : `${head}.${frac.padEnd(fsp, '0').slice(0, fsp)}`;
}

/** BIT(n) buffer → decimal string. S2 sends 8 bytes for every BIT(n): the value is in the last ⌈n/8⌉. */
export function bitToDecimal(buf: Uint8Array, bits: number): string {
  const bytes = buf.subarray(Math.max(0, buf.length - Math.ceil(bits / 8)));
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString();
}

/** Epoch seconds text ('1577836800.5', S2 UNIX_TIMESTAMP()) → 'YYYY-MM-DD HH:MM:SS[.f]' in UTC. */
export function epochToUtc(epoch: string, fsp: number): string {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(epoch.trim());
  if (!m) throw new PermanentError(`unexpected UNIX_TIMESTAMP value ${JSON.stringify(epoch)}`);
  const iso = new Date(Number(m[1]) * 1000).toISOString(); // 2020-01-01T00:00:00.000Z
  return normalizeFraction(`${iso.slice(0, 10)} ${iso.slice(11, 19)}.${m[2] ?? ''}`, fsp);
}

/** `0000-00-00`, or a date with a zero month/day (legal on S2 and in lax MariaDB sql_modes). */
export const isZeroDate = (s: string) => /^\d{4}-00-|^\d{4}-\d{2}-00|^0000-00-00/.test(s);

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export interface ConvertContext {
  flavor: Flavor;
  warn: (msg: string) => void;
}

/**
 * Driver value → canonical Value (see types.ts). Zero dates: NULL with a warning in a nullable
 * column (no destination can store them), a PermanentError in a NOT NULL one (NULL would break it).
 */
export function makeConverter(col: Column, ctx: ConvertContext): Converter {
  const t = col.type;
  let warned = false;
  const zero = (s: string): Value => {
    if (!col.nullable) {
      throw new PermanentError(`NOT NULL column \`${col.name}\` holds the zero date ${s}, which cannot be copied; filter or fix it in source_config.query`);
    }
    if (!warned) {
      warned = true;
      ctx.warn(`column \`${col.name}\` holds zero dates (${s}); they are copied as NULL`);
    }
    return null;
  };
  switch (t.kind) {
    case 'int':
      if (t.bits === 64) return (v) => (v === null || v === undefined ? null : BigInt(text(v)).toString());
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'boolean': case 'year': case 'float':
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'bit':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (v instanceof Uint8Array) return bitToDecimal(v, t.bits);
        return BigInt(text(v)).toString();
      };
    case 'date':
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = text(v).slice(0, 10);
        return isZeroDate(s) ? zero(s) : s;
      };
    case 'datetime':
      if (t.utc && ctx.flavor === 'singlestore') {
        // Selected as UNIX_TIMESTAMP(col); 0 is what MySQL-family servers return for a zero TIMESTAMP.
        return (v) => {
          if (v === null || v === undefined) return null;
          const s = text(v);
          return /^0+(\.0*)?$/.test(s) ? zero('0000-00-00 00:00:00') : epochToUtc(s, t.fsp);
        };
      }
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = text(v);
        return isZeroDate(s) ? zero(s) : normalizeFraction(s, t.fsp);
      };
    case 'time':
      return (v) => (v === null || v === undefined ? null : normalizeFraction(text(v), t.fsp));
    case 'json':
      // Text as delivered: reparsing would round big numbers. S2 without jsonStrings hands objects.
      return (v) => (v === null || v === undefined ? null : typeof v === 'object' && !Buffer.isBuffer(v) ? JSON.stringify(v) : text(v));
    case 'binary':
      return (v) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(text(v), 'utf8'));
    case 'decimal': case 'string': case 'enum': case 'set':
      return (v) => (v === null || v === undefined ? null : text(v));
  }
}

/** A canonical value as a JSON-safe key component: binary keys travel as hex. */
export function toKeyValue(col: Column, v: Value): KeyValue {
  if (v === null) throw new PermanentError(`key column \`${col.name}\` holds NULL; the ordering key must be non-null`);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}
