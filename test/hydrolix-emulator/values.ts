// Stored/queried values and their ClickHouse types. Integers are always BigInt so 64-bit
// values survive storage, comparison and output exactly.
import { formatDateTime, Resolution } from './datetime';

export class DT {
  constructor(readonly ms: number, readonly res: Resolution) {}
}
export class Tuple {
  constructor(readonly items: Value[]) {}
}
export class Arr {
  constructor(readonly items: Value[]) {}
}
export class MapV {
  constructor(readonly entries: [Value, Value][]) {}
}
/** A `json` column value, kept as exact canonical JSON text. */
export class JsonText {
  constructor(readonly text: string) {}
}
export type Value = null | bigint | number | string | DT | Tuple | Arr | MapV | JsonText;

export type QType =
  | { k: 'int'; ch: string; nullable: boolean }
  | { k: 'float'; ch: 'Float64'; nullable: boolean }
  | { k: 'string' | 'uuid' | 'ip' | 'json'; ch: string; nullable: boolean }
  | { k: 'dt'; res: Resolution; ch: string; nullable: boolean }
  | { k: 'tuple'; items: QType[]; nullable: false }
  | { k: 'array'; item: QType; nullable: false }
  | { k: 'map'; key: QType; val: QType; nullable: false }
  | { k: 'null'; nullable: true };

export function chName(t: QType): string {
  let base: string;
  switch (t.k) {
    case 'tuple': base = `Tuple(${t.items.map(chName).join(', ')})`; break;
    case 'array': base = `Array(${chName(t.item)})`; break;
    case 'map': base = `Map(${chName(t.key)}, ${chName(t.val)})`; break;
    case 'null': return 'Nullable(Nothing)';
    default: base = t.ch;
  }
  return t.nullable ? `Nullable(${base})` : base;
}

export function withNullable<T extends QType>(t: T, nullable: boolean): QType {
  if (t.k === 'tuple' || t.k === 'array' || t.k === 'map' || t.k === 'null') return t;
  return { ...t, nullable } as QType;
}

/** ClickHouse's default value of a type (what aggregates over zero rows return). */
export function defaultOf(t: QType): Value {
  if (t.nullable) return null;
  switch (t.k) {
    case 'int': return 0n;
    case 'float': return 0;
    case 'string': case 'json': return t.k === 'json' ? new JsonText('{}') : '';
    case 'uuid': return '00000000-0000-0000-0000-000000000000';
    case 'ip': return '::';
    case 'dt': return new DT(0, t.res);
    case 'tuple': return new Tuple(t.items.map(defaultOf));
    case 'array': return new Arr([]);
    case 'map': return new MapV([]);
  }
}

export const is64Bit = (t: QType) => t.k === 'int' && /64|128|256/.test(t.ch);

function cmpScalar(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    // Mixed int/float: compare exactly when the float is integral, else via doubles.
    if (typeof a === 'number' && Number.isInteger(a) && typeof b === 'bigint') return cmpScalar(BigInt(a), b);
    if (typeof b === 'number' && Number.isInteger(b) && typeof a === 'bigint') return cmpScalar(a, BigInt(b));
    const x = Number(a), y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof DT && b instanceof DT) return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b)); // bytewise, like ClickHouse
  if (a instanceof JsonText && b instanceof JsonText) return cmpScalar(a.text, b.text);
  if ((a instanceof Tuple && b instanceof Tuple) || (a instanceof Arr && b instanceof Arr)) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      const c = compareTotal(a.items[i], b.items[i]);
      if (c !== 0) return c;
    }
    return a.items.length - b.items.length;
  }
  throw new Error(`cannot compare ${describe(a)} with ${describe(b)}`);
}

/** Total order used by max/min/ORDER BY: NULL sorts below everything (ClickHouse Field order). */
export function compareTotal(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return cmpScalar(a, b);
}

/** Three-valued comparison for WHERE: NULL if a NULL decides the result. */
export function compareSql(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a instanceof Tuple && b instanceof Tuple) {
    for (let i = 0; i < Math.min(a.items.length, b.items.length); i++) {
      const c = compareSql(a.items[i], b.items[i]);
      if (c === null || c !== 0) return c;
    }
    return a.items.length - b.items.length;
  }
  return cmpScalar(a, b);
}

function describe(v: Value): string {
  return v === null ? 'NULL' : typeof v === 'object' ? v.constructor.name : typeof v;
}

/** Plain-JSON form for the emulator's own inspection API (exact: bigints as decimal strings). */
export function toInspectJson(v: Value): unknown {
  if (v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof DT) return formatDateTime(v.ms, v.res);
  if (v instanceof JsonText) return v.text; // raw exact JSON text
  if (v instanceof Tuple || v instanceof Arr) return v.items.map(toInspectJson);
  return Object.fromEntries(v.entries.map(([k, x]) => [String(toInspectJson(k)), toInspectJson(x)]));
}
