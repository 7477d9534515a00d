// Go time.Parse for the layout subset Hydrolix transforms use. Hydrolix is written in Go, so the
// emulator mirrors Go's parsing rules (fixed vs. variable width fields, optional fractional
// seconds after the seconds field, day-of-month validation) rather than a lenient JS parser.

export class GoTimeError extends Error {}

type Std =
  | 'year4' | 'year2' | 'month' | 'zeroMonth' | 'monthShort' | 'monthLong' | 'day' | 'zeroDay' | 'underDay'
  | 'weekShort' | 'weekLong' | 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute'
  | 'second' | 'zeroSecond' | 'PM' | 'pm' | 'tzName'
  | 'frac0' | 'frac9'
  | 'num0700' | 'num07_00' | 'num07' | 'num070000' | 'num07_00_00'
  | 'iso0700' | 'iso07_00' | 'iso07' | 'iso070000' | 'iso07_00_00';

interface Chunk {
  prefix: string;
  std: Std | null;
  fracDigits?: number; // includes neither the '.' nor trailing text
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Longest tokens first where they share a prefix, matching Go's nextStdChunk.
const TOKENS: [string, Std][] = [
  ['January', 'monthLong'], ['Jan', 'monthShort'], ['Monday', 'weekLong'], ['Mon', 'weekShort'], ['MST', 'tzName'],
  ['01', 'zeroMonth'], ['02', 'zeroDay'], ['03', 'zeroHour12'], ['04', 'zeroMinute'], ['05', 'zeroSecond'], ['06', 'year2'],
  ['15', 'hour'], ['1', 'month'], ['2006', 'year4'], ['2', 'day'], ['_2', 'underDay'], ['3', 'hour12'], ['4', 'minute'], ['5', 'second'],
  ['PM', 'PM'], ['pm', 'pm'],
  ['-07:00:00', 'num07_00_00'], ['-070000', 'num070000'], ['-07:00', 'num07_00'], ['-0700', 'num0700'], ['-07', 'num07'],
  ['Z07:00:00', 'iso07_00_00'], ['Z070000', 'iso070000'], ['Z07:00', 'iso07_00'], ['Z0700', 'iso0700'], ['Z07', 'iso07'],
];

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

export function tokenizeLayout(layout: string): Chunk[] {
  const chunks: Chunk[] = [];
  let lit = '';
  let i = 0;
  outer: while (i < layout.length) {
    const c = layout[i];
    if ((c === '.' || c === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const ch = layout[i + 1];
      let j = i + 1;
      while (layout[j] === ch) j++;
      if (!isDigit(layout, j)) {
        chunks.push({ prefix: lit, std: ch === '0' ? 'frac0' : 'frac9', fracDigits: j - i - 1 });
        lit = '';
        i = j;
        continue;
      }
    }
    for (const [tok, std] of TOKENS) {
      if (!layout.startsWith(tok, i)) continue;
      // Go: "Jan"/"Mon" only count when not followed by a lowercase letter ("Monkey" is literal).
      if ((std === 'monthShort' || std === 'weekShort') && /[a-z]/.test(layout[i + tok.length] ?? '')) continue;
      chunks.push({ prefix: lit, std });
      lit = '';
      i += tok.length;
      continue outer;
    }
    lit += c;
    i++;
  }
  if (lit) chunks.push({ prefix: lit, std: null });
  return chunks;
}

function cutSpace(s: string): string {
  let i = 0;
  while (s[i] === ' ') i++;
  return s.slice(i);
}

/** Go's skip(): a space in the layout matches one or more spaces in the value. */
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new GoTimeError('literal mismatch');
      prefix = cutSpace(prefix);
      value = cutSpace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new GoTimeError(`expected ${JSON.stringify(prefix)}`);
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function getnum(value: string, fixed: boolean): [number, string] {
  if (!isDigit(value, 0)) throw new GoTimeError('expected digit');
  if (!isDigit(value, 1)) {
    if (fixed) throw new GoTimeError('expected two digits');
    return [Number(value[0]), value.slice(1)];
  }
  return [Number(value.slice(0, 2)), value.slice(2)];
}

function lookup(names: string[], value: string): [number, string] {
  for (let i = 0; i < names.length; i++) {
    if (value.length >= names[i].length && value.slice(0, names[i].length).toLowerCase() === names[i].toLowerCase()) {
      return [i, value.slice(names[i].length)];
    }
  }
  throw new GoTimeError('bad name');
}

/** Parses fractional digits (value[0] is '.' or ','); returns milliseconds (truncated). */
function fracMs(digits: string): number {
  return Number((digits + '000').slice(0, 3));
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Go time.Parse(layout, value) → UTC epoch milliseconds (sub-millisecond digits truncated). */
export function parseGoTime(layout: string, input: string): number {
  const chunks = tokenizeLayout(layout);
  let value = input;
  let year = 0, month = 1, day = 1, hour = 0, min = 0, sec = 0, ms = 0, offsetSec = 0;
  let pm = false, am = false;
  for (let ci = 0; ci < chunks.length; ci++) {
    const { prefix, std } = chunks[ci];
    value = skip(value, prefix);
    if (std === null) break;
    switch (std) {
      case 'year4': {
        if (value.length < 4 || !/^\d{4}/.test(value)) throw new GoTimeError('bad year');
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      }
      case 'year2': {
        if (!/^\d{2}/.test(value)) throw new GoTimeError('bad year');
        year = Number(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      }
      case 'month': case 'zeroMonth':
        [month, value] = getnum(value, std === 'zeroMonth');
        if (month < 1 || month > 12) throw new GoTimeError('month out of range');
        break;
      case 'monthShort': [month, value] = lookup(SHORT_MONTHS, value); month++; break;
      case 'monthLong': [month, value] = lookup(LONG_MONTHS, value); month++; break;
      case 'weekShort': [, value] = lookup(SHORT_DAYS, value); break; // Go ignores the weekday's value
      case 'weekLong': [, value] = lookup(LONG_DAYS, value); break;
      case 'day': case 'zeroDay': case 'underDay':
        if (std === 'underDay' && value[0] === ' ') value = value.slice(1);
        [day, value] = getnum(value, std === 'zeroDay');
        break;
      case 'hour':
        [hour, value] = getnum(value, false);
        if (hour >= 24) throw new GoTimeError('hour out of range');
        break;
      case 'hour12': case 'zeroHour12':
        [hour, value] = getnum(value, std === 'zeroHour12');
        if (hour > 12) throw new GoTimeError('hour out of range');
        break;
      case 'minute': case 'zeroMinute':
        [min, value] = getnum(value, std === 'zeroMinute');
        if (min >= 60) throw new GoTimeError('minute out of range');
        break;
      case 'second': case 'zeroSecond': {
        [sec, value] = getnum(value, std === 'zeroSecond');
        if (sec >= 60) throw new GoTimeError('second out of range');
        // Go accepts a fractional second after the seconds field even if the layout lacks one.
        const next = chunks[ci + 1];
        const layoutHasFrac = next && next.prefix === '' && (next.std === 'frac0' || next.std === 'frac9');
        if (!layoutHasFrac && value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
          let n = 1;
          while (isDigit(value, n)) n++;
          ms = fracMs(value.slice(1, n));
          value = value.slice(n);
        }
        break;
      }
      case 'frac0': {
        const nd = chunks[ci].fracDigits!;
        const digits = value.slice(1, 1 + nd);
        if ((value[0] !== '.' && value[0] !== ',') || digits.length !== nd || !/^\d+$/.test(digits)) {
          throw new GoTimeError(`expected ${nd} fractional digits`);
        }
        ms = fracMs(digits);
        value = value.slice(1 + nd);
        break;
      }
      case 'frac9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigit(value, 1)) break; // omitted
        let n = 1;
        while (isDigit(value, n)) n++;
        ms = fracMs(value.slice(1, n));
        value = value.slice(n);
        break;
      }
      case 'PM': case 'pm': {
        const v = value.slice(0, 2);
        const [P, A] = std === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (v === P) pm = true;
        else if (v === A) am = true;
        else throw new GoTimeError('bad AM/PM');
        value = value.slice(2);
        break;
      }
      case 'tzName': {
        // Emulator: only "UTC" is accepted. Go would invent a zero-offset zone for unknown
        // abbreviations, silently mis-placing rows; refusing surfaces that instead.
        if (!value.startsWith('UTC')) throw new GoTimeError('only the UTC zone abbreviation is supported');
        value = value.slice(3);
        break;
      }
      default: {
        // numeric zone offsets
        if (std.startsWith('iso') && value[0] === 'Z') {
          value = value.slice(1);
          break;
        }
        const shape = std.replace(/^(iso|num)/, '');
        const re = { '0700': /^[+-]\d{4}/, '07_00': /^[+-]\d\d:\d\d/, '07': /^[+-]\d\d/, '070000': /^[+-]\d{6}/, '07_00_00': /^[+-]\d\d:\d\d:\d\d/ }[shape]!;
        const m = re.exec(value);
        if (!m) throw new GoTimeError('bad time zone offset');
        const digits = m[0].slice(1).replace(/:/g, '');
        const hh = Number(digits.slice(0, 2)), mm = Number(digits.slice(2, 4) || '0'), ss = Number(digits.slice(4, 6) || '0');
        if (hh > 24 || mm > 60 || ss > 60) throw new GoTimeError('time zone offset out of range');
        offsetSec = (m[0][0] === '-' ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
        value = value.slice(m[0].length);
      }
    }
  }
  if (value.length > 0) throw new GoTimeError(`extra text ${JSON.stringify(value)}`);
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (day < 1 || day > daysIn(month, year)) throw new GoTimeError('day out of range');
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0..99 to 1900..1999
  d.setUTCHours(hour, min, sec, ms);
  return d.getTime() - offsetSec * 1000;
}

// Storage ranges (ClickHouse DateTime / DateTime64, as in the doc §3).
export const DATETIME_MIN_MS = 0;
export const DATETIME_MAX_MS = 4294967295 * 1000; // 2106-02-07 06:28:15
export const DATETIME64_MIN_MS = Date.UTC(1900, 0, 1);
export const DATETIME64_MAX_MS = Date.UTC(2283, 10, 11, 23, 59, 59, 999);

export type Resolution = 's' | 'ms';

export function truncate(ms: number, res: Resolution): number {
  return res === 's' ? Math.floor(ms / 1000) * 1000 : ms;
}

/** ClickHouse text form: 'YYYY-MM-DD hh:mm:ss' (DateTime) or with '.fff' (DateTime64(3)). */
export function formatDateTime(ms: number, res: Resolution): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ for years 0..9999
  return iso.slice(0, 10) + ' ' + iso.slice(11, res === 'ms' ? 23 : 19);
}
