/**
 * Column mapping (`destination_config.columns`): per source column, a new name, a cast to another
 * destination type, or `skip`. Shared by the API (request validation, OpenAPI), the plan and the copy:
 * `mapColumns` is the one place that decides what is read, what is written and how values change,
 * so setup, every chunk and the dry-run plan cannot disagree.
 */
import { z } from 'zod';
import { PermanentError, type Column, type ColumnType, type DestinationSpec, type DestinationTyping, type Row, type TableSchema, type Value } from './types';

export const columnRuleSchema = z
  .object({
    name: z.string().min(1).max(255).optional().describe('Destination column name (default: the source name)'),
    cast: z.string().min(1).max(64).optional().describe('Destination type to cast to; the plan lists the casts a destination supports'),
    skip: z.boolean().optional().describe('Leave this column out of the destination'),
  })
  .strict();

export const columnMappingSchema = z
  .record(z.string().min(1).max(255), columnRuleSchema)
  .describe('Per source column: rename, cast or skip. Columns not listed are copied as they are.');

export type ColumnRule = z.infer<typeof columnRuleSchema>;
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** A mapping mistake: names the column (the field path), never retried. */
export class ColumnMappingError extends PermanentError {
  constructor(readonly column: string, message: string) {
    super(`destination_config.columns.${column}: ${message}`, 'COLUMN_MAPPING');
  }
}

/** One destination column and where it comes from. */
export interface MappedColumn {
  source: Column;
  /** Null when skipped. */
  destination: Column | null;
  cast?: string;
  skipped: boolean;
}

export interface Mapped {
  /** The source rows as read: skipped columns are not selected at all. Source names. */
  read: TableSchema;
  /** The destination's view of the same rows: new names, cast types, key renamed. */
  write: TableSchema;
  /** The destination spec with source names in its options translated (Hydrolix timestamp_column). */
  spec: DestinationSpec;
  columns: MappedColumn[];
  /** Conversion of decoded rows for the casts; null when rows pass unchanged. */
  convert: ((row: Row) => Row) | null;
  /** Why rows take the row path because of a cast (its packed form does not carry over), or null. */
  rowPath: string | null;
  warnings: string[];
  /** Source name → destination name (renamed or not) for the written columns. */
  nameOf(source: string): string;
}

/** What the copy knows about the run, for checks that depend on it. */
export interface MappingContext {
  /** Incremental runs: the cursor column (source name). */
  cursorColumn?: string;
}

/**
 * `convert`: the canonical value of `to` from one of `from`, applied to decoded rows (null: the same value);
 * `packed`: the packed form of `from` is already a packed form of `to`, so packed rows carry it unchanged.
 */
type Conversion = { convert: ((v: Value) => Value) | null; packed: boolean; warning?: string } | { refused: string };

const toText = (v: Value): Value => (v === null ? null : String(v));
const toNumber = (v: Value): Value => (v === null ? null : Number(v));

const INTEGRAL = new Set(['int', 'year', 'boolean', 'bit']);
const describeType = (t: ColumnType): string => {
  switch (t.kind) {
    case 'int': return `${t.unsigned ? 'unsigned ' : ''}${t.bits}-bit integer`;
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'float': return `${t.bits}-bit float`;
    case 'string': return 'text';
    case 'datetime': return t.utc ? 'timestamp with time zone' : 'timestamp';
    default: return t.kind;
  }
};

function intRange(t: Extract<ColumnType, { kind: 'int' }>): [bigint, bigint] {
  const bits = BigInt(t.bits);
  return t.unsigned ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** Range of values a source column of an integral kind may hold. */
function sourceIntRange(t: ColumnType): [bigint, bigint] | null {
  if (t.kind === 'int') return intRange(t);
  if (t.kind === 'year') return [0n, 2155n];
  if (t.kind === 'boolean') return [-128n, 255n];
  if (t.kind === 'bit') return [0n, (1n << BigInt(t.bits)) - 1n];
  return null;
}

const canonicalInt = (n: bigint, bits: number): Value => (bits <= 32 ? Number(n) : n.toString());

/** Digits a decimal(p,s) keeps before its point. */
const intDigits = (t: { precision: number; scale: number }) => t.precision - t.scale;

function decimalFits(text: string, to: { precision: number; scale: number }): boolean {
  const m = /^-?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return false;
  const whole = m[1].replace(/^0+/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return whole.length <= intDigits(to) && frac.length <= to.scale;
}

/**
 * How a value of `from` becomes a value of `to` (both canonical, types.ts Value), and whether the
 * packed form of `from` already is a packed form of `to` (then the packed path carries it as is).
 * Refused when values of `from` cannot all be values of `to`.
 */
export function conversion(from: ColumnType, to: ColumnType): Conversion {
  const f = from.kind;
  const same = { convert: null, packed: true } as const;
  switch (to.kind) {
    case 'string': {
      const cut =
        to.maxLength !== undefined && !(f === 'string' && from.maxLength !== undefined && from.maxLength <= to.maxLength)
          ? `values longer than ${to.maxLength} characters fail the write`
          : undefined;
      if (f === 'binary') return { refused: 'binary values are not text (keep the column as bytes, or skip it)' };
      // Canonical text, which is also the packed form of these kinds.
      if (['int', 'year', 'boolean', 'decimal', 'date', 'time', 'string', 'enum', 'set'].includes(f)) return { convert: toText, packed: true, warning: cut };
      // Packed forms of these differ from their text (float spellings, epoch seconds, BIT bytes, JSON as stored).
      return { convert: toText, packed: false, warning: cut };
    }
    case 'int': {
      const src = sourceIntRange(from);
      const [lo, hi] = intRange(to);
      const check = (v: Value, n: bigint) => {
        if (n < lo || n > hi) throw new PermanentError(`value ${String(v)} does not fit ${describeType(to)}`);
        return canonicalInt(n, to.bits);
      };
      if (src) {
        const widening = src[0] >= lo && src[1] <= hi && f !== 'bit';
        return {
          convert: (v) => (v === null ? null : check(v, BigInt(v as string | number))),
          packed: widening,
          warning: widening ? undefined : `values outside ${describeType(to)} fail the copy`,
        };
      }
      if (f === 'decimal' && from.scale === 0) {
        return { convert: (v) => (v === null ? null : check(v, BigInt(String(v)))), packed: false, warning: intDigits(from) > 18 ? `values outside ${describeType(to)} fail the copy` : undefined };
      }
      return { refused: `${describeType(from)} values are not all integers` };
    }
    case 'decimal': {
      if (f === 'decimal') {
        if (from.scale > to.scale) return { refused: `decimal(${from.precision},${from.scale}) would be rounded to ${to.scale} decimal places` };
        const fits = intDigits(from) <= intDigits(to);
        return fits ? { convert: toText, packed: true } : { convert: (v) => fitDecimal(v, to), packed: false, warning: `values with more than ${intDigits(to)} integer digits fail the copy` };
      }
      const src = sourceIntRange(from);
      if (src && f !== 'bit') {
        const digits = Math.max(src[0].toString().replace('-', '').length, src[1].toString().length);
        return digits <= intDigits(to) ? { convert: toText, packed: true } : { convert: (v) => fitDecimal(v, to), packed: false, warning: `values with more than ${intDigits(to)} digits fail the copy` };
      }
      return { refused: `${describeType(from)} values are not exact decimals` };
    }
    case 'float': {
      if (f === 'float') return from.bits <= to.bits ? same : { ...same, warning: 'double values are rounded to single precision' };
      if (INTEGRAL.has(f) || f === 'decimal') {
        const exact = (f === 'int' && from.bits <= 32) || (f === 'decimal' && from.precision <= 15) || f === 'year' || f === 'boolean';
        const warning = exact && to.bits === 64 ? undefined : `values beyond ${to.bits === 64 ? 15 : 6} significant digits are rounded`;
        return { convert: toNumber, packed: f !== 'bit', warning };
      }
      return { refused: `${describeType(from)} values are not numbers` };
    }
    case 'boolean':
      if (f === 'boolean' || f === 'int') return { convert: toNumber, packed: true, warning: f === 'int' ? 'values other than 0 and 1 fail the copy' : undefined };
      return { refused: `${describeType(from)} values are not 0/1` };
    case 'date':
      if (f === 'date') return same;
      if (f === 'datetime') return { convert: (v) => (v === null ? null : String(v).slice(0, 10)), packed: false, warning: 'the time of day is dropped' };
      return { refused: `${describeType(from)} values are not dates` };
    case 'datetime':
      if (f === 'datetime') {
        const zone = from.utc === to.utc ? undefined : from.utc ? 'instants are written as their UTC wall-clock time' : 'wall-clock values are read as UTC';
        const cut = to.fsp < from.fsp ? `fractions of a second past ${to.fsp} digits are dropped` : undefined;
        return { convert: null, packed: true, warning: [zone, cut].filter(Boolean).join('; ') || undefined };
      }
      if (f === 'date') return { convert: (v) => (v === null ? null : `${String(v)} 00:00:00`), packed: false };
      return { refused: `${describeType(from)} values are not timestamps` };
    case 'json':
      if (f === 'json') return same;
      return { refused: `${describeType(from)} values are not all JSON documents` };
    case 'binary':
      if (f === 'binary') return same;
      if (f === 'string' || f === 'json' || f === 'enum' || f === 'set') {
        return { convert: (v) => (v === null ? null : Buffer.from(String(v), 'utf8')), packed: false };
      }
      return { refused: `${describeType(from)} values have no byte form` };
    case 'time':
      return f === 'time' ? same : { refused: `${describeType(from)} values are not times` };
    default:
      return { refused: `a column cannot be cast to ${to.kind}` };
  }
}

function fitDecimal(v: Value, to: { precision: number; scale: number }): Value {
  if (v === null) return null;
  const text = String(v);
  if (!decimalFits(text, to)) throw new PermanentError(`value ${text} does not fit decimal(${to.precision},${to.scale})`);
  return text;
}

const identity = (schema: TableSchema, spec: DestinationSpec): Mapped => ({
  read: schema,
  write: schema,
  spec,
  columns: schema.columns.map((c) => ({ source: c, destination: c, skipped: false })),
  convert: null,
  rowPath: null,
  warnings: [],
  nameOf: (n) => n,
});

/**
 * Applies `spec.columns` to a source schema. Throws ColumnMappingError naming the column for: an
 * unknown source column, a skipped key or cursor column, a cast of a key or cursor column, two
 * columns under one name, a cast the destination does not have, a cast the values cannot take.
 */
export function mapColumns(schema: TableSchema, spec: DestinationSpec, typing: DestinationTyping | undefined, ctx: MappingContext = {}): Mapped {
  const rules = spec.columns;
  if (!rules || Object.keys(rules).length === 0) return identity(schema, spec);
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  for (const name of Object.keys(rules)) {
    if (!byName.has(name)) throw new ColumnMappingError(name, `the source has no column ${name} (it has ${schema.columns.map((c) => c.name).join(', ')})`);
  }
  const keys = new Set(schema.key);
  const columns: MappedColumn[] = [];
  const warnings: string[] = [];
  const converters: Array<((v: Value) => Value) | null> = [];
  const onRowPath: string[] = [];
  const taken = new Map<string, string>();
  for (const col of schema.columns) {
    const rule = rules[col.name] ?? {};
    const role = keys.has(col.name) ? 'a key column' : col.name === ctx.cursorColumn ? 'the cursor column' : null;
    if (rule.skip) {
      if (role) throw new ColumnMappingError(col.name, `${col.name} is ${role} and cannot be skipped`);
      if (rule.name !== undefined || rule.cast !== undefined) throw new ColumnMappingError(col.name, 'a skipped column takes no name or cast');
      columns.push({ source: col, destination: null, skipped: true });
      continue;
    }
    const name = rule.name ?? col.name;
    if (rule.name !== undefined && typing?.maxNameBytes !== undefined && Buffer.byteLength(name, 'utf8') > typing.maxNameBytes) {
      throw new ColumnMappingError(col.name, `the name ${name} is longer than the ${typing.maxNameBytes} bytes this destination keeps`);
    }
    const clash = taken.get(name);
    if (clash !== undefined) throw new ColumnMappingError(col.name, `${col.name} and ${clash} would both be written to the destination column ${name}`);
    taken.set(name, col.name);
    let type = col.type;
    let convert: ((v: Value) => Value) | null = null;
    if (rule.cast !== undefined) {
      if (role) throw new ColumnMappingError(col.name, `${col.name} is ${role}: it keeps its type (reads, resumes and verification compare its values)`);
      if (!typing) throw new ColumnMappingError(col.name, 'this destination takes no casts');
      const to = typing.castType(rule.cast.trim().toLowerCase(), col);
      if (!to) throw new ColumnMappingError(col.name, `unsupported cast "${rule.cast}" (supported: ${typing.casts.join(', ')})`);
      const how = conversion(col.type, to);
      if ('refused' in how) throw new ColumnMappingError(col.name, `${col.name} (${col.sourceType}) cannot be cast to ${rule.cast}: ${how.refused}`);
      if (how.warning) warnings.push(`column ${col.name} (${col.sourceType}) cast to ${rule.cast}: ${how.warning}`);
      convert = how.convert;
      if (!how.packed) onRowPath.push(`${col.name} → ${rule.cast}`);
      type = to;
    }
    converters.push(convert);
    columns.push({ source: col, destination: { ...col, name, type }, ...(rule.cast !== undefined ? { cast: rule.cast } : {}), skipped: false });
  }
  const kept = columns.filter((c) => !c.skipped);
  const names = new Map(kept.map((c) => [c.source.name, c.destination!.name]));
  const nameOf = (n: string) => names.get(n) ?? n;
  const active = converters.some((c) => c !== null);
  const convert = active
    ? (row: Row) =>
        row.map((v, i) => {
          const f = converters[i];
          if (!f) return v;
          try {
            return f(v);
          } catch (e) {
            throw new PermanentError(`column ${kept[i].source.name} cast to ${kept[i].cast}: ${(e as Error).message}`, 'CAST_VALUE');
          }
        })
    : null;
  const rowPath = onRowPath.length ? `cast${onRowPath.length > 1 ? 's' : ''} ${onRowPath.join(', ')} converted in the worker` : null;
  const options = { ...spec.options };
  if (typeof options.timestamp_column === 'string') options.timestamp_column = nameOf(options.timestamp_column);
  return {
    read: { ...schema, columns: kept.map((c) => c.source) },
    write: { ...schema, columns: kept.map((c) => c.destination!), key: schema.key.map(nameOf) },
    spec: { ...spec, options },
    columns,
    convert,
    rowPath,
    warnings,
    nameOf,
  };
}

/** A cursor window as the destination names its column (landedRows, settling a lost write). */
export function renameWindow<W extends { column: string }>(window: W | undefined, m: Pick<Mapped, 'nameOf'>): W | undefined {
  return window && { ...window, column: m.nameOf(window.column) };
}
