import { PermanentError, type Column, type ColumnType, type DestinationSpec, type DestinationTyping } from '../types';

export interface DestinationTypeOptions {
  /** How MySQL TINYINT(1)/BOOL columns land: `boolean` (default; values other than 0/1 fail the write) or `smallint` (exact). */
  booleanAs: 'boolean' | 'smallint';
}

export interface PgType {
  /** Spelled exactly as `format_type()` prints it, so an existing table compares as text. */
  sql: string;
  warnings: string[];
}

/** Longest VARCHAR(n) MySQL allows for utf8mb4; longer (TEXT family) lengths become `text`. */
export const MAX_VARCHAR = 16383;

/**
 * Portable → PostgreSQL. Every choice keeps the canonical value exact unless a warning says otherwise:
 *
 * | portable                | PostgreSQL                     | why |
 * |-------------------------|--------------------------------|-----|
 * | int 8 (±), 16 signed    | smallint                       | fits (TINYINT UNSIGNED 255 too) |
 * | int 16 unsigned, 24, 32 signed | integer                 | 65535 / 16777215 do not fit smallint |
 * | int 32 unsigned, 64 signed | bigint                      | 4294967295 does not fit integer |
 * | int 64 unsigned         | numeric(20,0)                  | 18446744073709551615 exceeds bigint |
 * | boolean (TINYINT(1))    | boolean, or smallint by option | values other than 0/1 fail the write with PermanentError (never silently become true) |
 * | decimal(p,s)            | numeric(p,s)                   | exact; PG allows p up to 1000 |
 * | float 32 / 64           | real / double precision        | same IEEE formats |
 * | date                    | date                           | 4713 BC..5874897 AD covers 1000..9999 |
 * | datetime fsp            | timestamp(fsp) without time zone | wall-clock value, no zone shift |
 * | datetime utc (TIMESTAMP)| timestamp(fsp) with time zone  | an instant; written as UTC text on a UTC session |
 * | time fsp                | interval(fsp)                  | MySQL TIME spans ±838:59:59; PG `time` stops at 24:00 |
 * | year                    | smallint                       | 1901..2155 |
 * | string(n), CHAR(n)      | character varying(n) / text    | MySQL strips CHAR padding; PG char(n) would pad it back, varchar keeps values exact |
 * | enum, set               | text                           | no CREATE TYPE to manage; MySQL's '' error value stays storable |
 * | json                    | jsonb                          | indexable; normalises whitespace/key order, numbers kept exact (numeric) |
 * | binary                  | bytea                          | exact bytes; no length limit in PG |
 * | bit(n)                  | bigint (n ≤ 63) / numeric(20,0) | canonical BIT is a decimal number; PG bit(n) would need bit-string text |
 */
export function pgTypeFor(col: Column, opts: DestinationTypeOptions): PgType {
  const t = col.type;
  const warnings: string[] = [];
  const done = (sql: string) => ({ sql, warnings });
  switch (t.kind) {
    case 'int':
      if (t.bits === 8 || (t.bits === 16 && !t.unsigned)) return done('smallint');
      if (t.bits === 16 || t.bits === 24 || (t.bits === 32 && !t.unsigned)) return done('integer');
      if (t.bits === 32 || !t.unsigned) return done('bigint');
      return done('numeric(20,0)');
    case 'boolean':
      if (opts.booleanAs === 'smallint') return done('smallint');
      warnings.push(
        `column ${col.name} (${col.sourceType}) becomes boolean; a value other than 0/1 fails the write (set options.boolean_as=smallint to keep such values)`,
      );
      return done('boolean');
    case 'decimal':
      if (t.precision < 1 || t.precision > 1000 || t.scale < 0 || t.scale > t.precision) {
        throw new PermanentError(`column ${col.name} has decimal(${t.precision},${t.scale}), which PostgreSQL numeric cannot declare`);
      }
      return done(`numeric(${t.precision},${t.scale})`);
    case 'float':
      return done(t.bits === 32 ? 'real' : 'double precision');
    case 'date':
      return done('date');
    case 'datetime': {
      const fsp = Math.min(Math.max(t.fsp, 0), 6);
      return done(`timestamp(${fsp}) ${t.utc ? 'with' : 'without'} time zone`);
    }
    case 'time':
      warnings.push(`column ${col.name} (${col.sourceType}) becomes interval: PostgreSQL time cannot hold negative or >24h values`);
      return done(`interval(${Math.min(Math.max(t.fsp, 0), 6)})`);
    case 'year':
      return done('smallint');
    case 'string':
      return done(t.maxLength !== undefined && t.maxLength >= 1 && t.maxLength <= MAX_VARCHAR ? `character varying(${t.maxLength})` : 'text');
    case 'enum':
    case 'set':
      return done('text');
    case 'json':
      warnings.push(`column ${col.name} becomes jsonb: whitespace and key order are normalised, duplicate keys keep the last`);
      return done('jsonb');
    case 'binary':
      return done('bytea');
    case 'bit':
      if (t.bits > 64 || t.bits < 1) throw new PermanentError(`column ${col.name} has bit(${t.bits}), which is not supported`);
      warnings.push(`column ${col.name} (${col.sourceType}) is stored as its numeric value (${t.bits <= 63 ? 'bigint' : 'numeric(20,0)'})`);
      return done(t.bits <= 63 ? 'bigint' : 'numeric(20,0)');
  }
}

/** Lossless widenings accepted in a pre-existing table (exact spelling is always accepted). */
export function typeCompatible(wanted: string, actual: string): boolean {
  if (wanted === actual) return true;
  const ints = ['smallint', 'integer', 'bigint'];
  const wi = ints.indexOf(wanted);
  if (wi >= 0 && (ints.indexOf(actual) >= wi || actual === 'numeric')) return true;
  if (wanted === 'numeric(20,0)' && actual === 'numeric') return true;
  const num = /^numeric\((\d+),(\d+)\)$/;
  const wn = num.exec(wanted);
  const an = num.exec(actual);
  if (wn && (actual === 'numeric' || (an && +an[2] === +wn[2] && +an[1] >= +wn[1]))) return true;
  if (wanted === 'real' && actual === 'double precision') return true;
  const vc = /^character varying\((\d+)\)$/;
  const wv = vc.exec(wanted);
  const av = vc.exec(actual);
  if ((wv || wanted === 'text') && (actual === 'text' || actual === 'character varying' || (wv && av && +av[1] >= +wv[1]))) return true;
  // json keeps the exact source text; jsonb is our default.
  if (wanted === 'jsonb' && actual === 'json') return true;
  const ts = /^(timestamp|interval)\((\d)\)(.*)$/;
  const wt = ts.exec(wanted);
  if (wt) {
    const at = ts.exec(actual);
    if (at && at[1] === wt[1] && at[3] === wt[3] && +at[2] >= +wt[2]) return true;
    if (actual === `${wt[1]}${wt[3]}`) return true; // no typmod = 6 digits
  }
  return false;
}

/** What the source knows about a PostgreSQL column. */
export interface PgColumnInfo {
  name: string;
  /** Base type name (domains resolved), e.g. `int8`, `numeric`, `timestamptz`. */
  typname: string;
  /** `format_type()` of the declared type, e.g. `numeric(20,0)`. */
  formatted: string;
  typmod: number;
  /** `typcategory` 'A' for arrays. */
  category?: string;
}

const fspOf = (typmod: number) => (typmod >= 0 && typmod <= 6 ? typmod : 6);

/**
 * PostgreSQL → portable. Anything without a portable equivalent (interval, inet, money, arrays,
 * geometric, range, user enum types, timetz, xml, unconstrained numeric, varbit, bit(n>64)) is read
 * as its text form, kind `string`, with sourceType naming the real type.
 */
export function portableTypeFor(c: PgColumnInfo): ColumnType {
  if (c.category === 'A') return { kind: 'string' };
  switch (c.typname) {
    case 'int2': return { kind: 'int', bits: 16, unsigned: false };
    case 'int4': return { kind: 'int', bits: 32, unsigned: false };
    case 'int8': return { kind: 'int', bits: 64, unsigned: false };
    case 'numeric': {
      if (c.typmod < 4) return { kind: 'string' };
      const m = c.typmod - 4;
      const scale = m & 0xffff;
      // PG 15 allows negative scale and scale > precision (stored as 11-bit signed): keep those as text.
      if (scale > (m >> 16)) return { kind: 'string' };
      return { kind: 'decimal', precision: m >> 16, scale };
    }
    case 'float4': return { kind: 'float', bits: 32 };
    case 'float8': return { kind: 'float', bits: 64 };
    case 'bool': return { kind: 'boolean' };
    case 'date': return { kind: 'date' };
    case 'timestamp': return { kind: 'datetime', fsp: fspOf(c.typmod), utc: false };
    case 'timestamptz': return { kind: 'datetime', fsp: fspOf(c.typmod), utc: true };
    case 'time': return { kind: 'time', fsp: fspOf(c.typmod) };
    case 'text': case 'name': case 'citext': return { kind: 'string' };
    case 'varchar': return c.typmod > 4 ? { kind: 'string', maxLength: c.typmod - 4 } : { kind: 'string' };
    case 'bpchar': return { kind: 'string', maxLength: Math.max(1, c.typmod - 4), fixedLength: true };
    case 'json': case 'jsonb': return { kind: 'json' };
    case 'bytea': return { kind: 'binary' };
    case 'uuid': return { kind: 'string', maxLength: 36 };
    case 'bit': return c.typmod >= 1 && c.typmod <= 64 ? { kind: 'bit', bits: c.typmod } : { kind: 'string' };
    default: return { kind: 'string' };
  }
}

/** Casts `destination_config.columns[].cast` may name for PostgreSQL (numeric(p,s) and varchar(n) take their arguments). */
export const POSTGRES_CASTS = [
  'text', 'varchar', 'varchar(n)', 'smallint', 'integer', 'bigint', 'numeric', 'numeric(p,s)', 'real', 'double precision',
  'boolean', 'date', 'timestamp', 'timestamptz', 'jsonb', 'bytea',
] as const;

/**
 * The portable type a cast makes of a column: pgTypeFor then spells exactly the cast's type.
 * `numeric` without arguments keeps a decimal's precision (an integer: numeric(20,0)); `timestamp`
 * and `timestamptz` keep a datetime's fractional digits (otherwise 6).
 */
export function postgresCastType(cast: string, from: Column): ColumnType | null {
  const c = cast.replace(/\s+/g, ' ').trim();
  const fsp = from.type.kind === 'datetime' ? from.type.fsp : 6;
  const sized = /^(?:varchar|character varying)\((\d+)\)$/.exec(c);
  if (sized) {
    const n = Number(sized[1]);
    return n >= 1 && n <= MAX_VARCHAR ? { kind: 'string', maxLength: n } : null;
  }
  const num = /^(?:numeric|decimal)\((\d+), ?(\d+)\)$/.exec(c);
  if (num) {
    const [p, s] = [Number(num[1]), Number(num[2])];
    return p >= 1 && p <= 1000 && s <= p ? { kind: 'decimal', precision: p, scale: s } : null;
  }
  switch (c) {
    case 'text': case 'varchar': case 'character varying': return { kind: 'string' };
    case 'smallint': case 'int2': return { kind: 'int', bits: 16, unsigned: false };
    case 'integer': case 'int': case 'int4': return { kind: 'int', bits: 32, unsigned: false };
    case 'bigint': case 'int8': return { kind: 'int', bits: 64, unsigned: false };
    case 'numeric': case 'decimal':
      if (from.type.kind === 'decimal') return { kind: 'decimal', precision: from.type.precision, scale: from.type.scale };
      return { kind: 'decimal', precision: 20, scale: 0 };
    case 'real': case 'float4': return { kind: 'float', bits: 32 };
    case 'double precision': case 'float8': return { kind: 'float', bits: 64 };
    case 'boolean': case 'bool': return { kind: 'boolean' };
    case 'date': return { kind: 'date' };
    case 'timestamp': case 'timestamp without time zone': return { kind: 'datetime', fsp, utc: false };
    case 'timestamptz': case 'timestamp with time zone': return { kind: 'datetime', fsp, utc: true };
    case 'jsonb': return { kind: 'json' };
    case 'bytea': return { kind: 'binary' };
    default: return null;
  }
}

/** PostgreSQL's column typing for the mapping, the catalog and the plan (options from the spec, as createTable reads them). */
export function postgresTyping(optionsOf: (spec: DestinationSpec) => DestinationTypeOptions): DestinationTyping {
  return {
    casts: POSTGRES_CASTS,
    castType: postgresCastType,
    // NAMEDATALEN - 1: a longer name would be truncated, and then match no column setup looks for.
    maxNameBytes: 63,
    typeOf: (column, spec) => {
      const t = pgTypeFor(column, optionsOf(spec));
      return { type: t.sql, warnings: t.warnings };
    },
  };
}
