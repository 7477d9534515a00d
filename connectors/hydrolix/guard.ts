import { PermanentError, type Row, type TableSchema, type Value } from '../types';
import { RANGES, type OutputColumn, type PrimaryChoice } from './type-map';

/** The table's ingest time window (doc §4): older or further-future primary timestamps are dropped into reject files. */
export interface TableWindow {
  coldDataMaxAgeDays: number;
  maxFutureDays: number;
}
/** Defaults the doc reports when a table does not set them: 365 days back (older defaults), 0 days ahead. */
export const DEFAULT_WINDOW: TableWindow = { coldDataMaxAgeDays: 365, maxFutureDays: 0 };
const DAY_MS = 86_400_000;
/** Indexing is asynchronous: keep a day of margin so a row near the edge cannot age out while queued. */
const MARGIN_MS = DAY_MS;

export function readWindow(settings: Record<string, unknown> | undefined): TableWindow {
  const stream = (settings?.stream ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    coldDataMaxAgeDays: num(stream.cold_data_max_age_days, DEFAULT_WINDOW.coldDataMaxAgeDays),
    maxFutureDays: num(settings?.max_future_days, DEFAULT_WINDOW.maxFutureDays),
  };
}

/** Canonical 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.ffffff]' → epoch ms (UTC), or null when not a real instant. */
export function parseCanonicalTime(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) + Number(((m[7] ?? '') + '000').slice(0, 3));
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-30 over into March and maps years 0..99 to 19xx: reject both.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

export function describeKey(schema: TableSchema, row: Row): string {
  if (!schema.key.length) return 'row (no key)';
  const parts = schema.key.map((k) => {
    const i = schema.columns.findIndex((c) => c.name === k);
    const v: Value = i >= 0 ? row[i] : null;
    const text = v === null ? 'NULL' : typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : '<binary>';
    return `${k}=${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
  });
  return `row with key (${parts.join(', ')})`;
}

/**
 * No silent loss: Hydrolix accepts a batch and later drops rows it cannot place
 * (doc §3/§4). Check every date/datetime value against its type's range, and the
 * primary timestamp against the table's window, before anything is sent.
 */
export function guardRows(
  schema: TableSchema,
  columns: OutputColumn[],
  names: string[],
  primary: PrimaryChoice,
  window: TableWindow,
  rows: Row[],
  now: number,
): void {
  const checks = schema.columns
    .map((c, i) => ({ c, i, type: columns.find((o) => o.name === names[i])?.datatype.type }))
    .filter(({ c }) => c.type.kind === 'date' || c.type.kind === 'datetime');
  const oldest = now - window.coldDataMaxAgeDays * DAY_MS + MARGIN_MS;
  const newest = now + window.maxFutureDays * DAY_MS;
  for (const row of rows) {
    if (primary.index >= 0 && row[primary.index] === null) {
      throw new PermanentError(`${primary.name} is the Hydrolix primary timestamp but is NULL in ${describeKey(schema, row)}`);
    }
    for (const { c, i, type } of checks) {
      const v = row[i];
      if (v === null) continue;
      const where = () => `${c.name} = ${JSON.stringify(typeof v === 'string' ? v : String(v))} in ${describeKey(schema, row)}`;
      const ms = typeof v === 'string' ? parseCanonicalTime(v) : null;
      if (ms === null) throw new PermanentError(`cannot send ${where()}: not a valid date/time`);
      const range = type === 'datetime' ? RANGES.datetime : RANGES.datetime64;
      if (ms < range.min || ms > range.max) {
        throw new PermanentError(`cannot send ${where()}: outside the Hydrolix ${type} range ${range.label}`);
      }
      if (i === primary.index && (ms < oldest || ms > newest)) {
        throw new PermanentError(
          `cannot send ${where()}: the primary timestamp is outside the table's ingest window ` +
            `(stream.cold_data_max_age_days=${window.coldDataMaxAgeDays}, max_future_days=${window.maxFutureDays}); ` +
            `Hydrolix would reject the row. Raise those table settings`,
        );
      }
    }
  }
}
