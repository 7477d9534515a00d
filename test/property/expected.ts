/**
 * What each destination must hold for a source value, under the documented type mappings
 * (connectors/postgres/type-map.ts, connectors/hydrolix/type-map.ts, README "type fidelity"):
 * every value is brought to one comparison form per destination and column; a documented
 * change is accepted only when it is the mapping itself (Hydrolix base64, jsonb normalisation)
 * or when createTable's `warnings` name the column (milliseconds, '' → NULL).
 */
import type { ColDef, TableCase } from './table-arb';

export type Cell = string | null;
/** Acceptable destination cells for one source cell; the first is the exact one. */
export type Accept = Cell[];

const ZERO_DATE = /^\d{4}-00-|^\d{4}-\d{2}-00|^0000-00-00/;
export const isZeroDate = (col: ColDef, v: Cell) =>
  v !== null && ['date', 'datetime', 'timestamp'].includes(col.type.t) && ZERO_DATE.test(v);

const num = (s: string) => {
  const n = Number(s);
  return Object.is(n, -0) ? '-0' : String(n);
};
const f32 = (s: string) => {
  const n = Math.fround(Number(s));
  return Object.is(n, -0) ? '-0' : String(n);
};
const int = (s: string) => BigInt(s).toString();

function fraction(s: string, fsp: number): string {
  const dot = s.indexOf('.');
  const head = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  return fsp === 0 ? head : `${head}.${frac.padEnd(fsp, '0').slice(0, fsp)}`;
}

/** '[-]HHH:MM:SS[.f]' (MySQL TIME, PostgreSQL interval without days) → microseconds. */
export function timeMicros(s: string): string {
  const m = /^(-)?(?:(\d+) days? )?(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (!m) return `unparsed ${s}`;
  const us = ((BigInt(m[2] ?? 0) * 24n + BigInt(m[3])) * 3600n + BigInt(m[4]) * 60n + BigInt(m[5])) * 1_000_000n + BigInt((m[6] ?? '').padEnd(6, '0').slice(0, 6));
  return (m[1] ? -us : us).toString();
}

const isString = (col: ColDef) => ['char', 'varchar', 'text', 'enum', 'set'].includes(col.type.t);
const isBinary = (col: ColDef) => ['binary', 'varbinary', 'blob'].includes(col.type.t);

// ---------- PostgreSQL ----------

/** PostgreSQL read back as `col::text` (bytea as hex) → comparison form. */
export function pgActual(col: ColDef, v: Cell): Cell {
  if (v === null) return null;
  switch (col.type.t) {
    case 'int': case 'year': case 'bit': return int(v);
    case 'bool': return v === 't' || v === 'true' ? '1' : v === 'f' || v === 'false' ? '0' : int(v);
    case 'float': return f32(v);
    case 'double': return num(v);
    case 'datetime': return fraction(v, col.type.fsp);
    case 'timestamp': return fraction(v.replace(/\+00$/, ''), col.type.fsp);
    case 'time': return timeMicros(v);
    default: return v;
  }
}

/** The source's text → what PostgreSQL must hold. `pgJson` is PostgreSQL's own jsonb rendering of the source text. */
export function pgExpected(col: ColDef, v: Cell, pgJson: (s: string) => string): Accept {
  if (v === null || isZeroDate(col, v)) return [null];
  switch (col.type.t) {
    case 'int': case 'year': case 'bit': case 'bool': return [int(v)];
    case 'float': return [f32(v)];
    case 'double': return [num(v)];
    case 'datetime': case 'timestamp': return [fraction(v, col.type.fsp)];
    case 'time': return [timeMicros(v)];
    case 'json': return [pgJson(v)];
    default: return [v];
  }
}

/**
 * Why PostgreSQL must refuse the copy (a PermanentError, never a changed value), or null when
 * every value must land: a TINYINT(1) value other than 0/1 (documented and warned; boolean_as=smallint
 * keeps it), and text PostgreSQL cannot hold at all (a NUL character in text or in a JSON string).
 */
export function pgRefusal(c: TableCase, truth: Cell[][], pgJson: (s: string) => string, booleanAs: 'boolean' | 'smallint' = 'boolean'): string | null {
  for (const row of truth) {
    for (let i = 0; i < c.columns.length; i++) {
      const col = c.columns[i];
      const v = row[i];
      if (v === null) continue;
      if (col.type.t === 'bool' && booleanAs === 'boolean' && v !== '0' && v !== '1') return `boolean ${col.name} = ${v}`;
      if (isString(col) && v.includes('\u0000')) return `NUL character in ${col.name}`;
      if (col.type.t === 'json' && pgJson(v).startsWith('<')) return `JSON PostgreSQL cannot hold in ${col.name}`;
    }
  }
  return null;
}

// ---------- Hydrolix ----------

/** The emulator's stored value (its inspection JSON) → comparison form. */
export function hdxActual(col: ColDef, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  const s = String(v);
  switch (col.type.t) {
    case 'int': case 'year': case 'bit': case 'bool': return int(s);
    case 'float': case 'double': return typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : num(s);
    default: return s;
  }
}

export function hdxExpected(col: ColDef, v: Cell, warnings: string[]): Accept {
  if (v === null || isZeroDate(col, v)) return [null];
  // A warning about this column: `name: …` (type-map.ts) or `column name …`.
  const warned = (re: RegExp) => warnings.some((w) => (w.startsWith(`${col.name}: `) || w.includes(`column ${col.name} `)) && re.test(w));
  const emptyMayVanish = col.nullable && warned(/''|empty/i);
  switch (col.type.t) {
    case 'int': case 'year': case 'bit': case 'bool': return [int(v)];
    case 'float': case 'double': return [num(v)];
    case 'date': return [`${v} 00:00:00`];
    case 'datetime': case 'timestamp': {
      const fsp = col.type.fsp;
      if (fsp === 0) return [v];
      // Resolution ms: fsp > 3 is truncated, documented by a warning naming the column; without one only the exact value passes.
      return fsp <= 3 || warned(/millisecond/) ? [fraction(v, 3)] : [v];
    }
    case 'json': case 'time': return [v];
    default:
      if (isBinary(col)) {
        const b64 = Buffer.from(v, 'hex').toString('base64');
        return b64 === '' && emptyMayVanish ? ['', null] : [b64];
      }
      if (isString(col)) return v === '' && emptyMayVanish ? ['', null] : [v];
      return [v];
  }
}

const HDX_DATETIME64 = [Date.UTC(1900, 0, 1), Date.UTC(2283, 10, 11, 23, 59, 59, 999)];
const HDX_DATETIME = [0, 4294967295_000];

function utcMs(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/.exec(v)!;
  const d = new Date(0);
  d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
  d.setUTCHours(+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), Number(((m[7] ?? '') + '000').slice(0, 3)));
  return d.getTime();
}

/** The column Hydrolix uses as its primary timestamp (first NOT NULL datetime, then date), or -1. */
export function hdxPrimary(c: TableCase): number {
  for (const kinds of [['datetime', 'timestamp'], ['date']]) {
    const i = c.columns.findIndex((col) => kinds.includes(col.type.t) && !col.nullable);
    if (i >= 0) return i;
  }
  return -1;
}

/** Why the Hydrolix connector must refuse the copy (documented ranges, doc §3/§4), or null. */
export function hdxRefusal(c: TableCase, truth: Cell[][]): string | null {
  const primary = hdxPrimary(c);
  for (const row of truth) {
    for (let i = 0; i < c.columns.length; i++) {
      const col = c.columns[i];
      const v = row[i];
      if (v === null || isZeroDate(col, v) || !['date', 'datetime', 'timestamp'].includes(col.type.t)) continue;
      const [lo, hi] = i === primary ? HDX_DATETIME : HDX_DATETIME64;
      const ms = utcMs(v);
      if (ms < lo || ms > hi) return `${col.name} = ${v} outside the Hydrolix range`;
    }
  }
  return null;
}

/** A NOT NULL column holding a zero date: the source refuses it (no destination can store it). */
export function sourceRefusal(c: TableCase, truth: Cell[][]): string | null {
  for (const row of truth) {
    for (let i = 0; i < c.columns.length; i++) {
      if (!c.columns[i].nullable && isZeroDate(c.columns[i], row[i])) return `NOT NULL ${c.columns[i].name} = ${row[i]}`;
    }
  }
  return null;
}
