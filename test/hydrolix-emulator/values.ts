// Stored values and the ClickHouse types Hydrolix gives their columns. Integers are always BigInt
// so 64-bit values survive storage and inspection exactly.
import { formatDateTime, Resolution } from './datetime';

export class DT {
  constructor(readonly ms: number, readonly res: Resolution) {}
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
export type Value = null | bigint | number | string | DT | Arr | MapV | JsonText;

export type QType =
  | { k: 'int'; ch: string; nullable: boolean }
  | { k: 'float'; ch: 'Float64'; nullable: boolean }
  | { k: 'string' | 'uuid' | 'ip' | 'json'; ch: string; nullable: boolean }
  | { k: 'dt'; res: Resolution; ch: string; nullable: boolean }
  | { k: 'array'; item: QType; nullable: false }
  | { k: 'map'; key: QType; val: QType; nullable: false };

export function chName(t: QType): string {
  let base: string;
  switch (t.k) {
    case 'array': base = `Array(${chName(t.item)})`; break;
    case 'map': base = `Map(${chName(t.key)}, ${chName(t.val)})`; break;
    default: base = t.ch;
  }
  return t.nullable ? `Nullable(${base})` : base;
}

/** Plain-JSON form for the emulator's own inspection API (exact: bigints as decimal strings). */
export function toInspectJson(v: Value): unknown {
  if (v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof DT) return formatDateTime(v.ms, v.res);
  if (v instanceof JsonText) return v.text; // raw exact JSON text
  if (v instanceof Arr) return v.items.map(toInspectJson);
  return Object.fromEntries(v.entries.map(([k, x]) => [String(toInspectJson(k)), toInspectJson(x)]));
}
