import { PermanentError, type ColumnType } from '../types';

/** One row of information_schema.COLUMNS (plus JSON detection), lower-cased where it matters. */
export interface NativeColumn {
  name: string;
  /** DATA_TYPE, e.g. `bigint`, `JSON` (S2), `geographypoint`. */
  dataType: string;
  /** COLUMN_TYPE, e.g. `bigint(20) unsigned`, `enum('a','it''s')`, `datetime(6)`. */
  columnType: string;
  charMaxLength?: number | null;
  precision?: number | null;
  scale?: number | null;
  fsp?: number | null;
  /** MariaDB: JSON is LONGTEXT + CHECK (json_valid(col)). */
  isJson?: boolean;
}

const INT_BITS: Record<string, 8 | 16 | 24 | 32 | 64> = {
  tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64,
};
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'nchar', 'nvarchar']);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bson']);
/** Spatial types: read as WKT text (MariaDB/MySQL via ST_AsText; S2 GEOGRAPHY already sends WKT). */
export const SPATIAL_TYPES = new Set([
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',
  'geometrycollection', 'geomcollection', 'geography', 'geographypoint',
]);

/** Parses `enum('a','it''s','b\\c')` / `set(...)` member lists; quotes are doubled (and MySQL may backslash-escape). */
export function parseEnumValues(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const values: string[] = [];
  let i = open + 1;
  while (i > 0 && i < columnType.length) {
    while (columnType[i] === ' ' || columnType[i] === ',') i++;
    if (columnType[i] !== "'") break;
    let v = '';
    i++;
    for (;;) {
      const c = columnType[i];
      if (c === undefined) throw new Error(`unterminated enum literal in ${columnType}`);
      if (c === "'" && columnType[i + 1] === "'") { v += "'"; i += 2; continue; }
      if (c === '\\' && i + 1 < columnType.length) { v += columnType[i + 1]; i += 2; continue; }
      if (c === "'") { i++; break; }
      v += c;
      i++;
    }
    values.push(v);
  }
  return values;
}

function parenNumbers(columnType: string): number[] {
  const m = /^[a-z ]+\(([\d\s,]+)\)/i.exec(columnType);
  return m ? m[1].split(',').map((s) => Number(s.trim())) : [];
}

const num = (v: number | null | undefined): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** information_schema column → portable type. Unknown types fail loudly rather than copy garbage. */
export function mapNativeType(c: NativeColumn): ColumnType {
  const dt = c.dataType.toLowerCase().trim();
  const ct = c.columnType.toLowerCase().trim();
  const unsigned = /\bunsigned\b/.test(ct);
  if (c.isJson || dt === 'json') return { kind: 'json' };
  if (dt === 'tinyint' && /^tinyint\(1\)/.test(ct)) return { kind: 'boolean' };
  if (dt === 'bool' || dt === 'boolean') return { kind: 'boolean' };
  if (INT_BITS[dt]) return { kind: 'int', bits: INT_BITS[dt], unsigned };
  switch (dt) {
    case 'decimal': case 'numeric': case 'dec': case 'fixed': {
      const [p, s] = parenNumbers(ct);
      return { kind: 'decimal', precision: num(c.precision) ?? p ?? 10, scale: num(c.scale) ?? s ?? 0 };
    }
    case 'float': return { kind: 'float', bits: 32 };
    case 'double': case 'real': case 'double precision': return { kind: 'float', bits: 64 };
    case 'date': return { kind: 'date' };
    case 'datetime': case 'timestamp': {
      const fsp = num(c.fsp) ?? parenNumbers(ct)[0] ?? 0;
      return { kind: 'datetime', fsp, utc: dt === 'timestamp' };
    }
    case 'time': return { kind: 'time', fsp: num(c.fsp) ?? parenNumbers(ct)[0] ?? 0 };
    case 'year': return { kind: 'year' };
    case 'enum': return { kind: 'enum', values: parseEnumValues(c.columnType) };
    case 'set': return { kind: 'set', values: parseEnumValues(c.columnType) };
    case 'bit': return { kind: 'bit', bits: num(c.precision) ?? parenNumbers(ct)[0] ?? 1 };
  }
  if (TEXT_TYPES.has(dt)) {
    const len = num(c.charMaxLength) ?? parenNumbers(ct)[0];
    return dt === 'char' || dt === 'nchar'
      ? { kind: 'string', maxLength: len, fixedLength: true }
      : { kind: 'string', maxLength: len };
  }
  if (BINARY_TYPES.has(dt)) {
    const len = dt === 'bson' ? undefined : num(c.charMaxLength) ?? parenNumbers(ct)[0];
    return dt === 'binary' ? { kind: 'binary', maxLength: len, fixedLength: true } : { kind: 'binary', maxLength: len };
  }
  // S2 VECTOR's default projection is a JSON array string; spatial values are read as WKT.
  if (dt === 'vector' || SPATIAL_TYPES.has(dt)) return { kind: 'string' };
  throw new PermanentError(
    `column \`${c.name}\` has type ${c.columnType}, which Epic Shelter cannot copy; ` +
      'use source_config.query to cast it (e.g. to CHAR or BINARY)',
  );
}

/** The subset of a mysql2 FieldPacket we use. */
export interface FieldLike {
  name: string;
  columnType?: number;
  type?: number;
  flags: number | string[];
  decimals: number;
  columnLength?: number;
  characterSet?: number;
  /** MariaDB extended metadata: `json` for JSON values. */
  extendedFormat?: string;
}

const FLAG_NOT_NULL = 1;
const FLAG_UNSIGNED = 32;
const FLAG_ENUM = 256;
const FLAG_SET = 2048;
const BINARY_CHARSET = 63;
/** Bytes per character of a result column's collation; the session is utf8mb4, so 4 unless the server says utf8/latin1. */
function bytesPerChar(charset?: number): number {
  if (charset === BINARY_CHARSET) return 1;
  if (charset === 33 || charset === 83 || (charset !== undefined && charset >= 192 && charset <= 215)) return 3;
  if (charset === 8 || charset === 47 || charset === 48) return 1;
  return 4;
}
const fspOf = (decimals: number) => (decimals > 6 ? 6 : decimals); // 31 = "not fixed" → assume µs

export function fieldFlags(f: FieldLike): number {
  return typeof f.flags === 'number' ? f.flags : 0;
}
export function fieldNullable(f: FieldLike): boolean {
  return (fieldFlags(f) & FLAG_NOT_NULL) === 0;
}

/** Result-set field packet → portable type and a spelling for messages (for query sources). */
export function mapFieldType(f: FieldLike): { type: ColumnType; sourceType: string } {
  const code = f.columnType ?? f.type ?? -1;
  const flags = fieldFlags(f);
  const unsigned = (flags & FLAG_UNSIGNED) !== 0;
  const len = f.columnLength ?? 0;
  const binary = f.characterSet === BINARY_CHARSET;
  const u = unsigned ? ' unsigned' : '';
  const chars = Math.floor(len / bytesPerChar(f.characterSet));
  const int = (bits: 8 | 16 | 24 | 32 | 64, n: string): { type: ColumnType; sourceType: string } => ({
    type: { kind: 'int', bits, unsigned }, sourceType: n + u,
  });
  switch (code) {
    case 0: case 246: {
      const scale = f.decimals;
      const precision = len - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return { type: { kind: 'decimal', precision, scale }, sourceType: `decimal(${precision},${scale})${u}` };
    }
    case 1: return len === 1 ? { type: { kind: 'boolean' }, sourceType: 'tinyint(1)' } : int(8, 'tinyint');
    case 2: return int(16, 'smallint');
    case 9: return int(24, 'mediumint');
    case 3: return int(32, 'int');
    case 8: return int(64, 'bigint');
    case 4: return { type: { kind: 'float', bits: 32 }, sourceType: 'float' };
    case 5: return { type: { kind: 'float', bits: 64 }, sourceType: 'double' };
    case 10: case 14: return { type: { kind: 'date' }, sourceType: 'date' };
    case 7: return { type: { kind: 'datetime', fsp: fspOf(f.decimals), utc: true }, sourceType: `timestamp(${fspOf(f.decimals)})` };
    case 12: return { type: { kind: 'datetime', fsp: fspOf(f.decimals), utc: false }, sourceType: `datetime(${fspOf(f.decimals)})` };
    case 11: return { type: { kind: 'time', fsp: fspOf(f.decimals) }, sourceType: `time(${fspOf(f.decimals)})` };
    case 13: return { type: { kind: 'year' }, sourceType: 'year' };
    case 16: return { type: { kind: 'bit', bits: len || 1 }, sourceType: `bit(${len || 1})` };
    case 245: return { type: { kind: 'json' }, sourceType: 'json' };
    case 255: return { type: { kind: 'string' }, sourceType: 'geometry' };
    case 247: case 248: case 15: case 253: case 254: case 249: case 250: case 251: case 252: {
      if (f.extendedFormat === 'json') return { type: { kind: 'json' }, sourceType: 'json' };
      const fixed = code === 254 && (flags & (FLAG_ENUM | FLAG_SET)) === 0;
      const blob = code >= 249 && code <= 252;
      if (binary) {
        const name = blob ? 'blob' : fixed ? `binary(${len})` : `varbinary(${len})`;
        return { type: fixed ? { kind: 'binary', maxLength: len, fixedLength: true } : { kind: 'binary', maxLength: len }, sourceType: name };
      }
      const name = flags & FLAG_ENUM ? 'enum' : flags & FLAG_SET ? 'set' : blob ? 'text' : fixed ? `char(${chars})` : `varchar(${chars})`;
      return { type: fixed ? { kind: 'string', maxLength: chars, fixedLength: true } : { kind: 'string', maxLength: chars }, sourceType: name };
    }
  }
  throw new PermanentError(
    `query column \`${f.name}\` has MySQL protocol type ${code}, which Epic Shelter cannot copy; cast it in source_config.query`,
  );
}
