/**
 * Incremental cursor values in their canonical text (connectors/types.ts Value): ordering them as
 * the source does, and stepping back by a lookback. Only kinds whose canonical text orders exactly
 * (integers, decimals, floats, dates, date-times) support a lookback; any other cursor is compared
 * for equality only, which is all a zero lookback needs.
 */
import { PermanentError, type Column, type KeyValue } from '../connectors/types';
import { durationSeconds, type Lookback } from '../workflows/incremental';

/** a < b: negative, equal: 0, a > b: positive; NaN when the kind has no exact order and a !== b. */
export type CursorCompare = (a: string, b: string) => number;

function compareInt(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  if (na !== nb) return na ? -1 : 1;
  const sign = na ? -1 : 1;
  const da = na ? a.slice(1) : a;
  const db = na ? b.slice(1) : b;
  if (da.length !== db.length) return sign * (da.length - db.length);
  return da === db ? 0 : sign * (da < db ? -1 : 1);
}

function compareDecimal(a: string, b: string): number {
  const split = (s: string) => {
    const neg = s.startsWith('-');
    const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
    return { neg, int: i.replace(/^0+(?=\d)/, ''), frac: f.replace(/0+$/, '') };
  };
  const x = split(a);
  const y = split(b);
  const zero = (v: typeof x) => /^0*$/.test(v.int) && v.frac === '';
  if (zero(x) && zero(y)) return 0;
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  const sign = x.neg ? -1 : 1;
  if (x.int.length !== y.int.length) return sign * (x.int.length - y.int.length);
  if (x.int !== y.int) return sign * (x.int < y.int ? -1 : 1);
  const w = Math.max(x.frac.length, y.frac.length);
  const fx = x.frac.padEnd(w, '0');
  const fy = y.frac.padEnd(w, '0');
  return fx === fy ? 0 : sign * (fx < fy ? -1 : 1);
}

const lexical: CursorCompare = (a, b) => (a === b ? 0 : a < b ? -1 : 1);
const equalityOnly: CursorCompare = (a, b) => (a === b ? 0 : NaN);

/** Whether a cursor of this column orders exactly by its canonical text (so a lookback can apply). */
export function cursorOrders(col: Column): boolean {
  return ['int', 'year', 'bit', 'boolean', 'decimal', 'float', 'date', 'datetime'].includes(col.type.kind);
}

export function cursorCompare(col: Column): CursorCompare {
  switch (col.type.kind) {
    case 'int': case 'year': case 'bit': case 'boolean':
      return compareInt;
    case 'decimal':
      return compareDecimal;
    case 'float':
      return (a, b) => Math.sign(Number(a) - Number(b));
    case 'date': case 'datetime':
      // Canonical dates and date-times are fixed-width digits in field order.
      return lexical;
    default:
      return equalityOnly;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms of a canonical date or date-time's whole-second part (proleptic Gregorian, as UTC). */
function wallMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?/.exec(text);
  if (!m) throw new PermanentError(`cursor value ${JSON.stringify(text)} is not a date or date-time`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Math.max(0, Number(m[2]) - 1), Math.max(1, Number(m[3])));
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0);
  return d.getTime();
}

function wallText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const EARLIEST = wallMs('0000-01-01 00:00:00');

/**
 * `value - lookback` in the cursor's own canonical form (the inclusive lower bound of the next
 * window). A date cursor steps back to the whole day that instant falls in.
 */
export function stepBack(col: Column, value: KeyValue, lookback: Lookback | undefined): KeyValue {
  if (lookback === undefined || lookback === 0 || (typeof lookback === 'string' && durationSeconds(lookback) === 0)) return value;
  const kind = col.type.kind;
  const text = String(value);
  if (kind === 'date' || kind === 'datetime') {
    const seconds = typeof lookback === 'string' ? durationSeconds(lookback) : undefined;
    if (seconds === undefined) {
      throw new PermanentError(`options.lookback for the ${col.sourceType} cursor ${col.name} is a duration such as "10m" or "1h", not ${JSON.stringify(lookback)}`);
    }
    if (/^0000-00-00/.test(text)) return value;
    const back = Math.max(EARLIEST, wallMs(text) - seconds * 1000);
    if (kind === 'date') return wallText(back).slice(0, 10);
    // Whole seconds back: the fraction stays as it was (canonical values carry exactly fsp digits).
    return wallText(back) + text.slice(19);
  }
  if (kind === 'int' || kind === 'year') {
    if (typeof lookback !== 'number') {
      throw new PermanentError(`options.lookback for the integer cursor ${col.name} is a number of cursor units (e.g. 1000), not ${JSON.stringify(lookback)}`);
    }
    const back = BigInt(text) - BigInt(lookback);
    return typeof value === 'number' ? Number(back) : back.toString();
  }
  throw new PermanentError(
    `options.lookback needs a date, date-time or integer cursor; ${col.name} is ${col.sourceType} (leave lookback unset or 0)`,
  );
}
