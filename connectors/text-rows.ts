/**
 * The COPY text format: tab-separated fields, \N for NULL, backslash escapes for \\ \t \n \r;
 * what the row path writes to PostgreSQL (TextBatch carries packed rows instead, packed-rows.ts).
 */
import { PermanentError, type Column, type Row, type TableSchema, type Value } from './types';

export const NULL_TOKEN = '\\N';

/** Escapes one field. A charCode scan covers the common no-escape case without allocating. */
export function escapeText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return escapeFrom(s, i);
  }
  return s;
}

function escapeFrom(s: string, start: number): string {
  let out = s.slice(0, start);
  let last = start;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const rep = c === 92 ? '\\\\' : c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : null;
    if (rep === null) continue;
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return out + s.slice(last);
}

export type TextEncoder = (v: Exclude<Value, null>) => string;

/** A value's canonical text, unescaped: numbers as JS prints them, bytes as UTF-8. */
export const plainText = (v: Exclude<Value, null>): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Buffer.from(v).toString('utf8');

/** A value's canonical text: numbers as JS prints them, strings escaped. */
export const canonicalText: TextEncoder = (v) =>
  typeof v === 'string' ? escapeText(v) : typeof v === 'number' ? String(v) : escapeText(Buffer.from(v).toString('utf8'));

/** Thrown by an encoder for a value the destination cannot store; encodeTextRows names the row. */
export class BadValue extends Error {}

/**
 * A batch as one text payload: one string built by concatenation (V8 ropes, flattened once by
 * Buffer.from), no per-row writes. `hint` ends the message of a BadValue error.
 */
export function encodeTextRows(schema: TableSchema, encoders: TextEncoder[], rows: Row[], hint = ''): Buffer {
  const n = encoders.length;
  let out = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== n) throw new PermanentError(`row has ${row.length} values, ${schema.name} has ${n} columns`);
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) out += NULL_TOKEN;
      else {
        try {
          out += encoders[i](v);
        } catch (e) {
          throw badValue(schema, row, schema.columns[i], e, hint);
        }
      }
      out += i === n - 1 ? '\n' : '\t';
    }
  }
  return Buffer.from(out, 'utf8');
}

function badValue(schema: TableSchema, row: Row, col: Column, e: unknown, hint: string): Error {
  if (!(e instanceof BadValue)) return e as Error;
  const key = schema.key
    .map((k) => {
      const v = row[schema.columns.findIndex((c) => c.name === k)];
      return `${k}=${v instanceof Uint8Array ? Buffer.from(v).toString('hex') : JSON.stringify(v)}`;
    })
    .join(', ');
  return new PermanentError(`column ${col.name} (${col.sourceType}) of the row with ${key} ${e.message}${hint}`, 'BAD_VALUE');
}
