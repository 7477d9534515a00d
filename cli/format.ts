/** Human-readable output: numbers, durations, one migration, tables. */
import type { MigrationView } from '../api/schemas';

const numberFormat = new Intl.NumberFormat('en-US');

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '?' : numberFormat.format(Math.round(n)));

/** 75 → "1m15s", 3725 → "1h2m5s", null → "?". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  let rest = Math.max(0, Math.round(seconds));
  if (rest < 60) return `${rest}s`;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

export const route = (m: Pick<MigrationView, 'source_type' | 'destination_type'>): string => `${m.source_type} → ${m.destination_type}`;

/** Seconds between the migration's creation and its last update. */
export const elapsed = (m: Pick<MigrationView, 'created_at' | 'updated_at'>): number => (Date.parse(m.updated_at) - Date.parse(m.created_at)) / 1000;

/** One line of progress, as the non-terminal watch prints it. */
export function progressLine(m: MigrationView): string {
  const parts = [`${m.status}`, m.phase !== m.status ? m.phase : undefined, `${m.progress}%`, `${count(m.rows_copied)}/${count(m.rows_total)} rows`];
  if (m.chunks_total !== null) parts.push(`chunks ${m.chunks_done}/${m.chunks_total}`);
  if (m.rows_per_second !== null) parts.push(`${count(m.rows_per_second)} rows/s`);
  if (m.eta_seconds !== null && m.status === 'running') parts.push(`ETA ${duration(m.eta_seconds)}`);
  return parts.filter(Boolean).join('  ');
}

/** The outcome of a finished migration in one line. */
export function outcomeLine(m: MigrationView): string {
  if (m.status === 'completed') {
    const v = m.verification;
    const check = v ? (v.ok ? `verified: ${count(v.source_rows)} source rows = ${count(v.destination_rows)} destination rows` : `verification FAILED`) : 'not verified';
    return `completed: ${count(m.rows_copied)} rows copied in ${duration(elapsed(m))}${m.target ? ` into ${m.target}` : ''}; ${check}`;
  }
  if (m.status === 'failed') return `failed: ${m.error ?? 'no error recorded'}`;
  return `${m.status}${m.error ? `: ${m.error}` : ''}`;
}

/** The full status of one migration, field per line. */
export function migrationDetails(m: MigrationView): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', m.id],
    ['name', m.name],
    ['status', m.phase && m.phase !== m.status ? `${m.status} (${m.phase})` : m.status],
    ['route', route(m)],
    ['target', m.target ?? undefined],
    ['progress', `${m.progress}%  ${count(m.rows_copied)}/${count(m.rows_total)} rows`],
    ['chunks', m.chunks_total !== null ? `${m.chunks_done}/${m.chunks_total}` : undefined],
    ['rate', m.rows_per_second !== null ? `${count(m.rows_per_second)} rows/s` : undefined],
    ['eta', m.eta_seconds !== null && m.status === 'running' ? duration(m.eta_seconds) : undefined],
    ['created', m.created_at],
    ['updated', m.updated_at],
    ['runs', m.runs > 1 ? String(m.runs) : undefined],
    ['schedule', m.schedule_id ?? undefined],
    [
      'verification',
      m.verification ? `${m.verification.ok ? 'ok' : 'FAILED'} (source ${count(m.verification.source_rows)}, destination ${count(m.verification.destination_rows)})` : undefined,
    ],
    ['error', m.error ?? undefined],
  ];
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`);
  for (const w of m.warnings ?? []) lines.push(`${'warning:'.padEnd(14)}${w}`);
  return lines.join('\n');
}

const cut = (s: string, width: number) => (s.length > width ? `${s.slice(0, width - 1)}…` : s);

/** Columns padded to their widest cell; cells longer than `max` are cut. */
export function table(headers: string[], rows: string[][], max = 48): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => cut(c, max)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}
