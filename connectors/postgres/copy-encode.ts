import type { Column, Row, TableSchema } from '../types';
import { BadValue, canonicalText, encodeTextRows, escapeText, type TextEncoder } from '../text-rows';

/** The row path writes COPY text (text-rows.ts); only bytea and boolean need their own spelling. */
export { escapeText as escapeCopyText, NULL_TOKEN } from '../text-rows';

/** bytea hex input `\x…`, its backslash escaped for COPY. */
const bytea: TextEncoder = (v) =>
  '\\\\x' + (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v), 'utf8')).toString('hex');
const bool: TextEncoder = (v) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (n === 1) return 't';
  if (n === 0) return 'f';
  throw new BadValue(`holds ${typeof v === 'number' ? v : JSON.stringify(v)}, which a boolean column cannot store`);
};

/**
 * One encoder per column. `booleanColumns` are destination columns of type boolean (other
 * portable booleans land in smallint and are written as their number).
 */
export function makeEncoders(columns: Column[], booleanColumns: Set<string>): TextEncoder[] {
  return columns.map((c) => {
    if (c.type.kind === 'binary') return bytea;
    if (c.type.kind === 'boolean' && booleanColumns.has(c.name)) return bool;
    return canonicalText;
  });
}

/** Kinds whose text is digits, signs, points, dashes, colons and spaces: nothing COPY text escapes. */
const PLAIN_KINDS = new Set(['int', 'boolean', 'decimal', 'float', 'date', 'datetime', 'time', 'year']);

export function mayNeedEscapes(c: Column): boolean {
  return !PLAIN_KINDS.has(c.type.kind);
}

/** Text the portable format carries as is: every column uses the canonical encoder. */
export function isCanonical(encoders: TextEncoder[]): boolean {
  return encoders.every((e) => e === canonicalText);
}

/** A whole batch as one COPY text payload. */
export function encodeRows(schema: TableSchema, encoders: TextEncoder[], rows: Row[]): Buffer {
  return encodeTextRows(schema, encoders, rows, '; set destination options.boolean_as=smallint to keep such values');
}
