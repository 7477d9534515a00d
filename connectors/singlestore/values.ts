import { PermanentError, type Column, type KeyValue, type Value } from '../types';
import { bitToDecimal, epochToUtc, normalizeFraction } from '../packed-forms';
import type { Flavor } from './flavor';

export type Converter = (v: unknown) => Value;

/** Shared with the packed forms (binary, bit and epoch seconds travel as the server sends them). */
export { bitToDecimal, epochToUtc, normalizeFraction };

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
