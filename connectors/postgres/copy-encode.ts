import { PermanentError, type Column, type Row, type TableSchema, type Value } from '../types';

/** COPY text format: only backslash, tab (our delimiter), newline and carriage return need escaping. */
export function escapeCopyText(s: string): string {
  // A charCode scan is the common no-escape case (no allocation); escaping is rare.
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

export const NULL_TOKEN = '\\N';

type Encoder = (v: Exclude<Value, null>) => string;

class BadValue extends Error {}

const text: Encoder = (v) => (typeof v === 'string' ? escapeCopyText(v) : typeof v === 'number' ? String(v) : escapeCopyText(Buffer.from(v).toString('utf8')));
/** bytea hex input `\x…`, its backslash escaped for COPY. */
const bytea: Encoder = (v) =>
  '\\\\x' + (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v), 'utf8')).toString('hex');
const bool: Encoder = (v) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (n === 1) return 't';
  if (n === 0) return 'f';
  throw new BadValue(`holds ${typeof v === 'number' ? v : JSON.stringify(v)}, which a boolean column cannot store`);
};

/**
 * One encoder per column. `booleanColumns` are destination columns of type boolean (other
 * portable booleans land in smallint and are written as their number).
 */
export function makeEncoders(columns: Column[], booleanColumns: Set<string>): Encoder[] {
  return columns.map((c) => {
    if (c.type.kind === 'binary') return bytea;
    if (c.type.kind === 'boolean' && booleanColumns.has(c.name)) return bool;
    return text;
  });
}

/**
 * A whole batch as one COPY text payload: one string built by concatenation (V8 ropes, flattened
 * once by Buffer.from), no per-row stream writes.
 */
export function encodeRows(schema: TableSchema, encoders: Encoder[], rows: Row[]): Buffer {
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
          throw badValue(schema, row, schema.columns[i], e);
        }
      }
      out += i === n - 1 ? '\n' : '\t';
    }
  }
  return Buffer.from(out, 'utf8');
}

function badValue(schema: TableSchema, row: Row, col: Column, e: unknown): Error {
  if (!(e instanceof BadValue)) return e as Error;
  const key = schema.key
    .map((k) => {
      const v = row[schema.columns.findIndex((c) => c.name === k)];
      return `${k}=${v instanceof Uint8Array ? Buffer.from(v).toString('hex') : JSON.stringify(v)}`;
    })
    .join(', ');
  return new PermanentError(
    `column ${col.name} (${col.sourceType}) of the row with ${key} ${e.message}; set destination options.boolean_as=smallint to keep such values`,
    'BAD_VALUE',
  );
}
