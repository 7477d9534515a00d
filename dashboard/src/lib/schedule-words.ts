/**
 * A schedule in plain words: "every day at 02:30, Europe/Berlin", "every 15 minutes",
 * "every 1 hour 30 minutes". Covers the cron shapes people write; anything else reads back
 * field by field rather than guessing.
 */
import type { ScheduleSpec } from '../api/types';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_ABBR = DAYS.map((d) => d.slice(0, 3).toUpperCase());
const MONTH_ABBR = MONTHS.map((m) => m.slice(0, 3).toUpperCase());

const SHORTHANDS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const pad = (n: number) => String(n).padStart(2, '0');
const isNum = (s: string) => /^\d{1,2}$/.test(s);

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function named(field: string, names: string[], abbr: string[], base: number): string | undefined {
  const one = (v: string) => {
    if (isNum(v)) return names[(Number(v) - base + names.length) % names.length];
    const i = abbr.indexOf(v.toUpperCase());
    return i >= 0 ? names[i] : undefined;
  };
  const parts: string[] = [];
  for (const item of field.split(',')) {
    const range = item.split('-');
    if (range.length === 2) {
      const a = one(range[0]);
      const b = one(range[1]);
      if (!a || !b) return undefined;
      parts.push(`${a} to ${b}`);
    } else {
      const a = one(item);
      if (!a) return undefined;
      parts.push(a);
    }
  }
  return list(parts);
}

export function cronWords(expr: string): string {
  const text = SHORTHANDS[expr.trim().toLowerCase()] ?? expr.trim();
  const f = text.split(/\s+/);
  if (f.length !== 5) return `cron "${expr}"`;
  const [min, hour, dom, month, dow] = f;

  let time: string;
  if (isNum(min) && isNum(hour)) time = `at ${pad(Number(hour))}:${pad(Number(min))}`;
  else if (isNum(min) && hour === '*') time = min === '0' ? 'every hour' : `every hour at minute ${Number(min)}`;
  else if (min === '*' && hour === '*') time = 'every minute';
  else if (/^\*\/\d+$/.test(min) && hour === '*') time = `every ${min.slice(2)} minutes`;
  else if (isNum(min) && /^\*\/\d+$/.test(hour)) time = `every ${hour.slice(2)} hours at minute ${Number(min)}`;
  else if (isNum(min) && /^[\d,]+$/.test(hour)) time = `at ${list(hour.split(',').map((h) => `${pad(Number(h))}:${pad(Number(min))}`))}`;
  else time = `at minute ${min} of hour ${hour}`;

  const days: string[] = [];
  if (dow !== '*') {
    const d = dow === '1-5' || dow.toUpperCase() === 'MON-FRI' ? 'weekday' : named(dow, DAYS, DAY_ABBR, 0);
    days.push(d ? `every ${d}` : `on days of week ${dow}`);
  }
  if (dom !== '*') days.push(dom === 'L' ? 'on the last day of the month' : `on day ${dom.replace(/,/g, ', ')} of the month`);
  if (month !== '*') {
    const m = named(month, MONTHS, MONTH_ABBR, 1);
    days.push(m ? `in ${m}` : `in months ${month}`);
  }
  const daily = dow === '*' && dom === '*' && month === '*';
  // "every minute" / "every 15 minutes" already say how often; a daily time needs "every day".
  if (daily) return time.startsWith('every') ? time : `every day ${time}`;
  return `${days.join(', ')} ${time.startsWith('every') ? `, ${time}` : time}`.replace(' ,', ',');
}

const UNITS: Array<[string, string]> = [
  ['d', 'day'],
  ['h', 'hour'],
  ['m', 'minute'],
  ['s', 'second'],
];

export function durationWords(text: string): string {
  const parts: string[] = [];
  for (const [u, word] of UNITS) {
    const m = new RegExp(`(\\d+)${u}`).exec(text);
    if (m) parts.push(`${Number(m[1])} ${word}${m[1] === '1' ? '' : 's'}`);
  }
  return parts.length ? parts.join(' ') : text;
}

export function specWords(spec: ScheduleSpec): string {
  const parts: string[] = [];
  const crons = spec.cron === undefined ? [] : Array.isArray(spec.cron) ? spec.cron : [spec.cron];
  parts.push(...crons.map(cronWords));
  if (spec.interval !== undefined) {
    const i = typeof spec.interval === 'string' ? { every: spec.interval, offset: undefined } : spec.interval;
    parts.push(`every ${durationWords(i.every)}${i.offset ? ` (offset ${durationWords(i.offset)})` : ''}`);
  }
  if (spec.calendars?.length) parts.push(`${spec.calendars.length} calendar rule${spec.calendars.length === 1 ? '' : 's'}`);
  const words = parts.join('; ') || 'never by itself';
  return spec.timezone && crons.length > 0 ? `${words}, ${spec.timezone}` : words;
}
