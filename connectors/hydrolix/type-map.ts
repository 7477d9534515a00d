import { PermanentError, type Column, type ColumnType, type DestinationSpec, type DestinationTyping, type TableSchema } from '../types';

export interface Datatype {
  type: string;
  primary?: boolean;
  index?: boolean;
  format?: string;
  resolution?: string;
  /** Used when a field is missing or empty (doc §3); setting it makes the column non-nullable. */
  default?: string | null;
}
export interface OutputColumn {
  name: string;
  datatype: Datatype;
}

/** Added when a table has no usable timestamp: every Hydrolix table needs a primary one (doc §3). */
export const SYNTHETIC_PRIMARY = '_es_ingested_at';
export const DATE_FORMAT = '2006-01-02';
/** Go layout; `.999999` also parses values without a fraction, so one layout fits every fsp. */
export const DATETIME_FORMAT = '2006-01-02 15:04:05.999999';

/** Representable ranges in epoch ms (doc §3): `datetime` 1970..2106-02-07; `datetime64` "about 1925 (docs)" to about 2283 — we take the documented, narrower bound. */
export const RANGES = {
  datetime: { min: 0, max: 4294967295_000, label: '1970-01-01 00:00:00 .. 2106-02-07 06:28:15' },
  datetime64: { min: Date.UTC(1900, 0, 1), max: Date.UTC(2283, 10, 11, 23, 59, 59, 999), label: '1900-01-01 .. 2283-11-11' },
} as const;

export interface PrimaryChoice {
  name: string;
  /** Index in schema.columns, or -1 for the synthetic column. */
  index: number;
  nullable: boolean;
}

/**
 * Type decisions (doc §7 is advice; the doc's type list in §3 is the constraint):
 *
 * | portable            | Hydrolix                              | why |
 * |---------------------|---------------------------------------|-----|
 * | int 8               | int8 / uint8                          | exact |
 * | int 16/24/32        | int32 / uint32                        | no 16-bit types exist |
 * | int 64              | int64 / uint64                        | sent as bare JSON digits, exact |
 * | boolean (TINYINT(1))| int8 (uint8 if source is unsigned)    | Hydrolix `boolean` turns 2 into 1; keep the source value |
 * | decimal(p,s)        | string (+warning)                     | no decimal type; double would round |
 * | float 32/64         | double, index:false                   | double cannot be indexed |
 * | date                | datetime64 `2006-01-02` (primary: datetime) | datetime64 covers pre-1970 dates |
 * | datetime(fsp)       | datetime64 (primary: datetime), `2006-01-02 15:04:05.999999`, resolution ms if fsp>0 else s | us/ns resolution is UNCONFIRMED: fsp>3 warns |
 * | time                | string                                | no time-of-day type; MySQL TIME spans ±838 h |
 * | year                | uint32                                | per doc §7 |
 * | string/enum/set     | string                                | exact; NOT NULL: `default: ""` (emptyValueRule) |
 * | json                | string (JSON text), index:false       | the `json` type is v6.0+ only and re-serializes the document |
 * | binary              | string (base64, +warning), index:false| no binary type; NOT NULL: `default: ""` |
 * | bit(n)              | uint64                                | up to 64 bits, exact |
 */
export function mapType(col: Column): { datatype: Datatype; warnings: string[] } {
  const t: ColumnType = col.type;
  const w: string[] = [];
  const d = (type: string, extra: Partial<Datatype> = {}): Datatype => ({ type, ...extra });
  switch (t.kind) {
    case 'int':
      if (t.bits === 8) return { datatype: d(t.unsigned ? 'uint8' : 'int8'), warnings: w };
      if (t.bits === 64) return { datatype: d(t.unsigned ? 'uint64' : 'int64'), warnings: w };
      return { datatype: d(t.unsigned ? 'uint32' : 'int32'), warnings: w };
    case 'boolean':
      return { datatype: d(/unsigned/i.test(col.sourceType) ? 'uint8' : 'int8'), warnings: w };
    case 'decimal':
      w.push(`${col.name}: ${col.sourceType} stored as string (Hydrolix has no decimal type; exact text kept)`);
      return { datatype: d('string'), warnings: w };
    case 'float':
      return { datatype: d('double', { index: false }), warnings: w };
    case 'date':
      return { datatype: d('datetime64', { format: DATE_FORMAT, resolution: 's' }), warnings: w };
    case 'datetime':
      if (t.fsp > 3) w.push(`${col.name}: ${col.sourceType} truncated to milliseconds (Hydrolix documents only s/ms resolution)`);
      return { datatype: d('datetime64', { format: DATETIME_FORMAT, resolution: t.fsp > 0 ? 'ms' : 's' }), warnings: w };
    case 'time':
    case 'string':
    case 'enum':
    case 'set':
      return { datatype: d('string'), warnings: w };
    case 'year':
      return { datatype: d('uint32'), warnings: w };
    case 'json':
      return { datatype: d('string', { index: false }), warnings: w };
    case 'binary':
      w.push(`${col.name}: ${col.sourceType} stored as base64 text (Hydrolix has no binary type)`);
      return { datatype: d('string', { index: false }), warnings: w };
    case 'bit':
      return { datatype: d('uint64'), warnings: w };
  }
}

/** Kinds whose value can be empty text on the wire: '' for strings, an empty BLOB's base64. */
const EMPTY_CAPABLE = new Set(['string', 'enum', 'set', 'binary']);

/**
 * Hydrolix treats an empty field as missing (doc §3, `default`): without a default, '' lands as
 * NULL. A NOT NULL column keeps '' with `"default": ""` (it never receives NULL, so the default
 * applies only to ''). A nullable column cannot keep both '' and NULL, so it is named in a warning.
 */
export function emptyValueRule(col: Column): { default?: string; warning?: string } {
  if (!EMPTY_CAPABLE.has(col.type.kind)) return {};
  if (!col.nullable) return { default: '' };
  const what = col.type.kind === 'binary' ? 'an empty value' : col.type.kind === 'set' ? "an empty set ('')" : "an empty string ('')";
  return {
    warning:
      `${col.name}: ${col.sourceType} is nullable, and Hydrolix stores an empty field as NULL: ${what} becomes NULL ` +
      "(no mapping keeps both '' and NULL in one nullable column)",
  };
}

/**
 * The primary timestamp: `options.timestamp_column`, else the first NOT NULL
 * datetime, then date, column; else a synthetic write-time column.
 */
export function choosePrimary(schema: TableSchema, options: DestinationSpec['options']): { primary: PrimaryChoice; warnings: string[] } {
  const cols = schema.columns;
  const wanted = options?.timestamp_column;
  if (wanted !== undefined) {
    const index = cols.findIndex((c) => c.name === wanted);
    if (index < 0) throw new PermanentError(`timestamp_column "${wanted}" is not a column of ${schema.name}`);
    const c = cols[index];
    if (c.type.kind !== 'date' && c.type.kind !== 'datetime') {
      throw new PermanentError(`timestamp_column "${wanted}" is ${c.sourceType}; it must be a date or datetime column`);
    }
    return { primary: { name: c.name, index, nullable: c.nullable }, warnings: [] };
  }
  for (const kind of ['datetime', 'date'] as const) {
    const index = cols.findIndex((c) => c.type.kind === kind && !c.nullable);
    if (index >= 0) return { primary: { name: cols[index].name, index, nullable: false }, warnings: [] };
  }
  if (cols.some((c) => c.name === SYNTHETIC_PRIMARY)) {
    throw new PermanentError(`${schema.name} already has a column ${SYNTHETIC_PRIMARY}; set options.timestamp_column`);
  }
  return {
    primary: { name: SYNTHETIC_PRIMARY, index: -1, nullable: false },
    warnings: [`no NOT NULL date/datetime column: added primary timestamp ${SYNTHETIC_PRIMARY} holding the write time`],
  };
}

/** Column names the doc calls safe (§3: UNCONFIRMED character set, "safe choice"). */
export const SAFE_NAME_RE = /^[a-z_][a-z0-9_]*$/;

/**
 * Hydrolix column names aligned with schema.columns: the source name when it is
 * already safe, else lowercased with other characters turned into `_`. Deterministic,
 * so every activity (create, write, resume) derives the same names.
 */
export function hydrolixNames(schema: TableSchema): { names: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const names = schema.columns.map((c) => {
    if (SAFE_NAME_RE.test(c.name)) return c.name;
    let n = c.name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    if (!/^[a-z_]/.test(n)) n = `_${n}`;
    warnings.push(`column ${c.name} is named ${n} in Hydrolix (safe names are [a-z_][a-z0-9_]*)`);
    return n;
  });
  const seen = new Map<string, string>();
  schema.columns.forEach((c, i) => {
    const clash = seen.get(names[i]) ?? (names[i] === SYNTHETIC_PRIMARY ? SYNTHETIC_PRIMARY : undefined);
    if (clash !== undefined) throw new PermanentError(`columns ${clash} and ${c.name} both map to the Hydrolix column name ${names[i]}`);
    seen.set(names[i], c.name);
  });
  return { names, warnings };
}

/** The transform's output columns for a schema, plus the primary choice, Hydrolix names and fidelity warnings. */
export function buildOutputColumns(schema: TableSchema, options: DestinationSpec['options']) {
  const { primary, warnings } = choosePrimary(schema, options);
  const { names, warnings: nameWarnings } = hydrolixNames(schema);
  warnings.push(...nameWarnings);
  const columns: OutputColumn[] = [];
  if (primary.index < 0) {
    columns.push({ name: SYNTHETIC_PRIMARY, datatype: { type: 'datetime', primary: true, format: DATETIME_FORMAT, resolution: 'ms' } });
  }
  schema.columns.forEach((col, i) => {
    const m = mapType(col);
    warnings.push(...m.warnings);
    const empty = emptyValueRule(col);
    if (empty.warning) warnings.push(empty.warning);
    const datatype = empty.default !== undefined ? { ...m.datatype, default: empty.default } : m.datatype;
    // The primary is `datetime` (the doc's partition type); its 1970..2106 range is enforced by the row guard.
    columns.push({ name: names[i], datatype: i === primary.index ? { ...datatype, type: 'datetime', primary: true } : datatype });
  });
  return { columns, names, primary, warnings };
}

/**
 * Columns of an existing transform that lack the `default` we would give them: compatible, but an
 * empty value there lands as NULL (the transform predates that mapping, or someone else made it).
 */
export function missingDefaultWarnings(target: string, transform: string, wanted: OutputColumn[], existing: OutputColumn[]): string[] {
  const byName = new Map(existing.map((c) => [c.name, c.datatype ?? ({} as Datatype)]));
  return wanted
    .filter((w) => w.datatype.default !== undefined && byName.get(w.name)?.default !== w.datatype.default)
    .map((w) => `${w.name}: the existing transform ${transform} of ${target} sets no "default": ${JSON.stringify(w.datatype.default)}, so an empty value lands as NULL`);
}

/** Differences between the columns we need and an existing transform's, as readable lines (empty = compatible). */
export function diffColumns(wanted: OutputColumn[], existing: OutputColumn[]): string[] {
  const byName = new Map(existing.map((c) => [c.name, c.datatype ?? ({} as Datatype)]));
  const diffs: string[] = [];
  const fmt = (d: Datatype) =>
    `${d.type}${d.primary ? ' primary' : ''}${d.format ? ` format "${d.format}"` : ''}${d.resolution ? ` resolution ${d.resolution}` : ''}`;
  const norm = (r?: string) => (r === 'seconds' ? 's' : r ?? 's');
  for (const w of wanted) {
    const e = byName.get(w.name);
    if (!e) {
      diffs.push(`column ${w.name} (${fmt(w.datatype)}) is missing`);
      continue;
    }
    const same =
      e.type === w.datatype.type &&
      !!e.primary === !!w.datatype.primary &&
      (w.datatype.format === undefined || e.format === w.datatype.format) &&
      (w.datatype.format === undefined || norm(e.resolution) === norm(w.datatype.resolution));
    if (!same) diffs.push(`column ${w.name} is ${fmt(e)}, expected ${fmt(w.datatype)}`);
  }
  for (const e of existing) {
    if (e.datatype?.primary && !wanted.some((w) => w.name === e.name)) diffs.push(`primary column ${e.name} is not in the source`);
  }
  return diffs;
}

/** Casts `destination_config.columns[].cast` may name for Hydrolix: its transform types. */
export const HYDROLIX_CASTS = ['string', 'int8', 'uint8', 'int32', 'uint32', 'int64', 'uint64', 'double', 'datetime'] as const;

/** The portable type a Hydrolix cast makes of a column (mapType then gives exactly that transform type). */
export function hydrolixCastType(cast: string, from: Column): ColumnType | null {
  const ints: Record<string, ColumnType> = {
    int8: { kind: 'int', bits: 8, unsigned: false },
    uint8: { kind: 'int', bits: 8, unsigned: true },
    int32: { kind: 'int', bits: 32, unsigned: false },
    uint32: { kind: 'int', bits: 32, unsigned: true },
    int64: { kind: 'int', bits: 64, unsigned: false },
    uint64: { kind: 'int', bits: 64, unsigned: true },
  };
  if (ints[cast]) return ints[cast];
  switch (cast) {
    case 'string': return { kind: 'string' };
    case 'double': return { kind: 'float', bits: 64 };
    // datetime64 with a date-time format: a date gains midnight, a datetime keeps its fraction (ms).
    case 'datetime': case 'datetime64': return { kind: 'datetime', fsp: from.type.kind === 'datetime' ? from.type.fsp : 0, utc: from.type.kind === 'datetime' ? from.type.utc : false };
    default: return null;
  }
}

/** Hydrolix column typing for the mapping, the catalog and the plan. */
export const hydrolixTyping: DestinationTyping = {
  casts: HYDROLIX_CASTS,
  castType: hydrolixCastType,
  typeOf: (column) => {
    const m = mapType(column);
    return { type: describeDatatype(m.datatype), warnings: m.warnings };
  },
};

/** A transform column's type as one line: `datetime64 format "…" resolution ms`, `datetime primary …`. */
export function describeDatatype(d: Datatype): string {
  return `${d.type}${d.primary ? ' primary' : ''}${d.format ? ` format "${d.format}"` : ''}${d.resolution ? ` resolution ${d.resolution}` : ''}`;
}
