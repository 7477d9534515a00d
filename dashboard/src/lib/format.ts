/** Numbers, durations and times as the dashboard shows them. */

const integer = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatRows(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return integer.format(n);
}

export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n < 10_000 ? integer.format(n) : compact.format(n);
}

export function formatRate(rowsPerSecond: number | null | undefined): string {
  if (rowsPerSecond === null || rowsPerSecond === undefined) return '—';
  return `${formatCompact(Math.round(rowsPerSecond))}/s`;
}

/** 3725 → "1h 2m"; 42 → "42s". */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const total = Math.max(0, Math.round(s));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function durationBetween(from: string, to: string | null | undefined): number {
  return (Date.parse(to ?? new Date().toISOString()) - Date.parse(from)) / 1000;
}

const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateTime.format(new Date(iso));
}

export function formatTimeLong(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateTimeSeconds.format(new Date(iso));
}

/** "in 5 min", "3 h ago". */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = (Date.parse(iso) - now) / 1000;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86_400), 'day');
}

/** `reading_schema` → "Reading schema". */
export function humanize(word: string): string {
  const s = word.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
