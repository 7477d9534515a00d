// Transform validation (doc §3) and per-row parsing against a transform's output columns.
import { isIP } from 'node:net';
import {
  DATETIME64_MAX_MS, DATETIME64_MIN_MS, DATETIME_MAX_MS, DATETIME_MIN_MS, GoTimeError, parseGoTime, Resolution, truncate,
} from './datetime';
import { describeJson, isJsonObject, JsonNumber, JsonObject, JsonValue, stringifyExact } from './json';
import { Arr, DT, JsonText, MapV, QType, Value } from './values';

export const ALLOWED_TYPES = new Set([
  'int8', 'int32', 'int64', 'uint8', 'uint32', 'uint64', 'double', 'string', 'boolean', 'bool',
  'ip', 'uuid', 'datetime', 'datetime64', 'epoch', 'array', 'map', 'json',
]);
const TIME_TYPES = new Set(['datetime', 'datetime64', 'epoch']);
const EPOCH_FORMATS: Record<string, bigint> = { ns: 1_000_000n, us: 1000n, ms: 1n, cs: -10n, s: -1000n }; // >0: divide, <0: multiply
const INT_RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};
// UNCONFIRMED (doc §3 "Column-name rules"): the doc's suggested safe set; the connector must sanitise to it.
export const COLUMN_NAME_RE = /^[a-z_][a-z0-9_]*$/;
// UNCONFIRMED: length limit. 64 is conservative (MySQL's own identifier limit).
export const RESOURCE_NAME_RE = /^[a-z0-9_]{1,64}$/;

export interface DataType {
  type: string;
  format?: string;
  resolution: Resolution;
  elements?: DataType[];
}
export interface Column {
  name: string;
  source: string; // input key (doc: top-level JSON keys map to column names; source.from_input_field overrides)
  dt: DataType;
  primary: boolean;
  nullable: boolean;
  hasDefault: boolean;
  defaultValue: Value;
}
export interface CompiledTransform {
  columns: Column[];
  primary: Column;
  nullValues: string[];
}

export class RowError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function qtypeOf(dt: DataType, nullable: boolean): QType {
  switch (dt.type) {
    case 'int8': case 'int32': case 'int64': case 'uint8': case 'uint32': case 'uint64':
      return { k: 'int', ch: dt.type.replace(/^u?int/, (m) => (m === 'uint' ? 'UInt' : 'Int')), nullable };
    case 'boolean': case 'bool': return { k: 'int', ch: 'UInt8', nullable }; // doc: stored as uint8
    case 'double': return { k: 'float', ch: 'Float64', nullable };
    case 'string': return { k: 'string', ch: 'String', nullable };
    case 'uuid': return { k: 'uuid', ch: 'UUID', nullable };
    case 'ip': return { k: 'ip', ch: 'IPv6', nullable };
    case 'json': return { k: 'json', ch: 'JSON', nullable };
    case 'array': return { k: 'array', item: qtypeOf(dt.elements![0], true), nullable: false };
    case 'map': return { k: 'map', key: qtypeOf(dt.elements![0], false), val: qtypeOf(dt.elements![1], true), nullable: false };
    default: {
      const ms = dt.resolution === 'ms';
      const ch = dt.type === 'datetime64' ? `DateTime64(${ms ? 3 : 0})` : ms ? 'DateTime64(3)' : 'DateTime';
      return { k: 'dt', res: dt.resolution, ch, nullable };
    }
  }
}

function validateDataType(raw: unknown, where: string, errs: string[], top: boolean): DataType | null {
  if (!isObj(raw)) {
    errs.push(`${where}: "datatype" must be an object.`);
    return null;
  }
  const type = raw.type;
  if (typeof type !== 'string' || !ALLOWED_TYPES.has(type)) {
    const hint = type === 'int16' || type === 'uint16' ? ' Hydrolix has no 16-bit integer types.' : '';
    errs.push(`${where}: "${String(type)}" is not a valid choice for datatype.type.${hint}`);
    return null;
  }
  const dt: DataType = { type, resolution: 's' };
  if (raw.index === true && type === 'double') errs.push(`${where}: a double column cannot be indexed.`);
  if (raw.index !== undefined && typeof raw.index !== 'boolean') errs.push(`${where}: "index" must be a boolean.`);
  if (raw.primary !== undefined && typeof raw.primary !== 'boolean') errs.push(`${where}: "primary" must be a boolean.`);
  // The emulator refuses features it does not emulate, so tests never pass by silently ignoring them.
  for (const k of ['script', 'virtual', 'catch_all', 'limits']) {
    if (raw[k] !== undefined && raw[k] !== false && raw[k] !== null) errs.push(`${where}: "${k}" is not supported by the emulator.`);
  }
  if (raw.resolution !== undefined) {
    // UNCONFIRMED (doc §3): us/ns are not documented, so they are refused; only s/seconds/ms.
    if (raw.resolution === 's' || raw.resolution === 'seconds') dt.resolution = 's';
    else if (raw.resolution === 'ms') dt.resolution = 'ms';
    else errs.push(`${where}: "${String(raw.resolution)}" is not a valid resolution (s, seconds, ms).`);
  }
  if (type === 'datetime' || type === 'datetime64') {
    if (typeof raw.format !== 'string' || raw.format === '') errs.push(`${where}: ${type} requires a Go layout "format".`);
    else dt.format = raw.format;
  }
  if (type === 'epoch') {
    // UNCONFIRMED: whether format may be omitted for epoch; the emulator requires one of the documented units.
    if (typeof raw.format !== 'string' || !(raw.format in EPOCH_FORMATS)) errs.push(`${where}: epoch requires "format" of ns, us, ms, cs or s.`);
    else dt.format = raw.format;
  }
  if (type === 'array' || type === 'map') {
    const n = type === 'array' ? 1 : 2;
    if (!Array.isArray(raw.elements) || raw.elements.length !== n) {
      errs.push(`${where}: ${type} requires "elements" with exactly ${n} datatype${n > 1 ? 's' : ''}.`);
    } else {
      const els = raw.elements.map((e, i) => validateDataType(e, `${where} element ${i}`, errs, false));
      if (els.every((e): e is DataType => e !== null)) dt.elements = els;
      if (type === 'map' && els[0] && !/^(u?int\d+|string)$/.test(els[0].type)) errs.push(`${where}: map keys must be string or integer.`);
    }
  }
  if (!top && raw.primary === true) errs.push(`${where}: an element type cannot be primary.`);
  return dt;
}

export interface TransformValidation {
  errors: Record<string, unknown> | null;
  compiled?: CompiledTransform;
}

/** Validates a transform create/replace body. Name/default uniqueness is checked by the caller. */
export function validateTransform(body: unknown): TransformValidation {
  const fieldErrs: Record<string, unknown> = {};
  if (!isObj(body)) return { errors: { non_field_errors: ['Invalid data. Expected a dictionary.'] } };
  if (typeof body.name !== 'string' || body.name === '') fieldErrs.name = ['This field is required.'];
  else if (!RESOURCE_NAME_RE.test(body.name)) fieldErrs.name = ['Name must match ^[a-z0-9_]{1,64}$.'];
  if (body.type !== 'json' && body.type !== 'csv') fieldErrs.type = [`"${String(body.type)}" is not a valid choice.`];
  const settings = body.settings;
  if (!isObj(settings)) {
    fieldErrs.settings = ['This field is required.'];
    return { errors: fieldErrs };
  }
  const sErrs: Record<string, string[]> = {};
  if (settings.is_default !== undefined && typeof settings.is_default !== 'boolean') sErrs.is_default = ['Must be a valid boolean.'];
  if (settings.compression !== undefined && settings.compression !== 'none') {
    sErrs.compression = ['Only "none" is supported by the emulator (send Content-Encoding: gzip instead).'];
  }
  if (settings.sql_transform !== undefined && settings.sql_transform !== null && settings.sql_transform !== '') {
    sErrs.sql_transform = ['sql_transform is not supported by the emulator.'];
  }
  const fd = settings.format_details;
  if (isObj(fd) && isObj(fd.flattening) && fd.flattening.active === true) sErrs.format_details = ['JSON flattening is not supported by the emulator.'];
  const nullValues = settings.null_values ?? [];
  if (!Array.isArray(nullValues) || !nullValues.every((x) => typeof x === 'string')) sErrs.null_values = ['Must be a list of strings.'];

  const cols = settings.output_columns;
  const colErrs: string[] = [];
  const columns: Column[] = [];
  if (!Array.isArray(cols) || cols.length === 0) {
    colErrs.push('This field is required and must be a non-empty list.');
  } else {
    const seen = new Set<string>();
    cols.forEach((c, i) => {
      if (!isObj(c) || typeof c.name !== 'string') {
        colErrs.push(`output_columns[${i}]: "name" is required.`);
        return;
      }
      const where = `Column '${c.name}'`;
      if (!COLUMN_NAME_RE.test(c.name)) colErrs.push(`${where}: name must match ${COLUMN_NAME_RE.source}.`);
      if (seen.has(c.name)) colErrs.push(`${where}: duplicate column name.`);
      seen.add(c.name);
      const raw = c.datatype;
      const dt = validateDataType(raw, where, colErrs, true);
      if (!dt || !isObj(raw)) return;
      if (raw.ignore === true) return; // ignored columns are parsed by Hydrolix but not stored
      let source = c.name;
      if (raw.source !== undefined) {
        if (isObj(raw.source) && typeof raw.source.from_input_field === 'string' && Object.keys(raw.source).length === 1) source = raw.source.from_input_field;
        else colErrs.push(`${where}: only source.from_input_field is supported by the emulator.`);
      }
      const primary = raw.primary === true;
      if (primary && !TIME_TYPES.has(dt.type)) colErrs.push(`${where}: the primary column must be datetime, datetime64 or epoch.`);
      const hasDefaultKey = Object.prototype.hasOwnProperty.call(raw, 'default');
      if (primary && hasDefaultKey && raw.default === null) colErrs.push(`${where}: the primary column is not nullable; "default": null is not allowed.`);
      let defaultValue: Value = null;
      const hasDefault = hasDefaultKey && raw.default !== null;
      if (hasDefault) {
        try {
          // Config bodies go through JSON.parse, so a default above 2^53 is already rounded; acceptable for defaults.
          // "" is a valid string default (doc §3: the value used for a missing or empty field), though "" itself counts as empty.
          const dv = raw.default === '' && dt.type === 'string' ? '' : convertValue(dt, plainToJson(raw.default), []);
          if (dv === undefined) throw new RowError('empty default');
          defaultValue = dv;
        } catch (e) {
          colErrs.push(`${where}: default ${JSON.stringify(raw.default)} is not valid for type ${dt.type} (${(e as Error).message}).`);
        }
      }
      columns.push({ name: c.name, source, dt, primary, nullable: !primary && !hasDefault, hasDefault, defaultValue: defaultValue ?? null });
    });
    const primaries = columns.filter((c) => c.primary);
    if (primaries.length !== 1 && !colErrs.length) {
      colErrs.push(`Exactly one primary datetime/datetime64/epoch column is required; found ${primaries.length}${primaries.length ? ` (${primaries.map((c) => `'${c.name}'`).join(', ')})` : ''}.`);
    }
  }
  if (colErrs.length) sErrs.output_columns = colErrs;
  if (Object.keys(sErrs).length) fieldErrs.settings = sErrs;
  if (Object.keys(fieldErrs).length) return { errors: fieldErrs };
  return { errors: null, compiled: { columns, primary: columns.find((c) => c.primary)!, nullValues: nullValues as string[] } };
}

function plainToJson(v: unknown): JsonValue {
  if (typeof v === 'number') return new JsonNumber(String(v));
  if (Array.isArray(v)) return v.map(plainToJson);
  if (isObj(v)) {
    const o = Object.create(null) as JsonObject;
    for (const [k, x] of Object.entries(v)) o[k] = plainToJson(x);
    return o;
  }
  return v as JsonValue;
}

function parseIntExact(text: string, type: string): bigint {
  const [lo, hi] = INT_RANGES[type];
  const n = BigInt(text);
  if (n < lo || n > hi) throw new RowError(`value ${text} out of range for ${type}`);
  return n;
}

function rangeCheck(ms: number, dt: DataType): DT {
  const [lo, hi] = dt.type === 'datetime64' ? [DATETIME64_MIN_MS, DATETIME64_MAX_MS] : [DATETIME_MIN_MS, DATETIME_MAX_MS];
  if (!Number.isFinite(ms) || ms < lo || ms > hi) throw new RowError(`timestamp out of range for ${dt.type}`);
  return new DT(truncate(ms, dt.resolution), dt.resolution);
}

/**
 * Converts one JSON field. Returns undefined for "missing or empty" (doc: `default` applies then).
 * Strict: anything the doc does not confirm is rejected so the connector cannot rely on it.
 */
export function convertValue(dt: DataType, v: JsonValue | undefined, nullValues: string[]): Value | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && nullValues.includes(v)) return undefined;
  // Empty string counts as "empty" for every type, strings included (doc §3: default applies "when the field
  // is missing or empty"; without a default the column is NULL there), so '' in a nullable string lands as NULL.
  if (v === '') return undefined;
  const bad = (why = `cannot parse ${describeJson(v)} as ${dt.type}`): never => {
    throw new RowError(why);
  };
  switch (dt.type) {
    case 'int8': case 'int32': case 'int64': case 'uint8': case 'uint32': case 'uint64':
      // UNCONFIRMED (doc §7): numeric strings for ints. Refused, so big ints must be sent as exact JSON numbers.
      if (typeof v === 'string') bad(`strconv.ParseInt: parsing ${JSON.stringify(v)}: numeric strings are not accepted for ${dt.type}`);
      if (!(v instanceof JsonNumber) || !v.isInteger) return bad();
      return parseIntExact(v.text, dt.type);
    case 'double':
      if (!(v instanceof JsonNumber)) return bad(); // numeric strings: UNCONFIRMED, refused
      return Number(v.text);
    case 'string':
      if (typeof v !== 'string') return bad(); // no implicit stringification (UNCONFIRMED), refused
      return v;
    case 'boolean': case 'bool':
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (typeof v === 'string') return /^(false|0)$/i.test(v) ? 0n : 1n; // doc §3
      if (v instanceof JsonNumber && (v.text === '0' || v.text === '1')) return BigInt(v.text);
      return bad();
    case 'ip':
      if (typeof v !== 'string' || !isIP(v)) return bad();
      return v;
    case 'uuid':
      if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return bad();
      return v.toLowerCase();
    case 'json':
      return new JsonText(stringifyExact(v));
    case 'datetime': case 'datetime64': {
      if (typeof v !== 'string') return bad(`${dt.type} expects a string in layout ${JSON.stringify(dt.format)}, got ${describeJson(v)}`);
      try {
        return rangeCheck(parseGoTime(dt.format!, v), dt);
      } catch (e) {
        if (e instanceof GoTimeError) bad(`parsing time ${JSON.stringify(v)} as ${JSON.stringify(dt.format)}: ${e.message}`);
        throw e;
      }
    }
    case 'epoch': {
      // Doc: integers or numeric strings. UNCONFIRMED: fractional epochs; refused.
      const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : '';
      if (!/^-?\d+$/.test(text)) return bad();
      const n = BigInt(text);
      const f = EPOCH_FORMATS[dt.format!];
      const msBig = f > 0n ? (n >= 0n ? n / f : -((-n + f - 1n) / f)) : n * -f; // floor division
      if (msBig > 10n ** 15n || msBig < -(10n ** 15n)) bad('epoch out of range');
      return rangeCheck(Number(msBig), dt);
    }
    case 'array':
      if (!Array.isArray(v)) return bad();
      return new Arr(v.map((x) => convertValue(dt.elements![0], x, nullValues) ?? null));
    case 'map': {
      if (!isJsonObject(v)) return bad();
      const [kt, vt] = dt.elements!;
      return new MapV(
        Object.keys(v).map((k) => {
          // JSON object keys are always strings; integer key types parse the key text.
          const key = kt.type === 'string' ? k : /^-?\d+$/.test(k) ? parseIntExact(k, kt.type) : bad(`map key ${JSON.stringify(k)} is not ${kt.type}`);
          return [key, convertValue(vt, v[k], nullValues) ?? null] as [Value, Value];
        }),
      );
    }
  }
  return bad(`unsupported type ${dt.type}`);
}

export interface WindowSettings {
  coldMaxAgeDays: number;
  maxFutureDays: number;
}

/** Parses one input object into a stored row, or throws RowError with a reject reason. */
export function parseRow(obj: JsonValue, t: CompiledTransform, w: WindowSettings, nowMs: number): Record<string, Value> {
  if (!isJsonObject(obj)) throw new RowError(`row is not a JSON object (${describeJson(obj)})`);
  const row = Object.create(null) as Record<string, Value>;
  for (const c of t.columns) {
    let v: Value | undefined;
    try {
      v = convertValue(c.dt, obj[c.source], t.nullValues);
    } catch (e) {
      if (e instanceof RowError) throw new RowError(`column "${c.name}": ${e.message}`);
      throw e;
    }
    if (v === undefined) {
      if (c.hasDefault) v = c.defaultValue;
      else if (c.primary) throw new RowError(`column "${c.name}": primary timestamp is missing or null`);
      else v = null;
    }
    row[c.name] = v;
  }
  const ts = row[t.primary.name] as DT;
  // Doc §4: rows older than cold_data_max_age_days are rejected. max_future_days semantics are
  // UNCONFIRMED; the emulator rejects anything later than now + max_future_days (0 → no future rows).
  if (ts.ms < nowMs - w.coldMaxAgeDays * 86_400_000) {
    throw new RowError(`column "${t.primary.name}": timestamp older than stream.cold_data_max_age_days (${w.coldMaxAgeDays})`);
  }
  if (ts.ms > nowMs + w.maxFutureDays * 86_400_000) {
    throw new RowError(`column "${t.primary.name}": timestamp more than max_future_days (${w.maxFutureDays}) in the future`);
  }
  return row;
}
