/**
 * What the Temporal Web UI and CLI show about a run besides its events: the run's static summary
 * and details (set by whoever starts it: the API, a schedule), each activity's summary, and the
 * run's current details (what it is doing now). Plain text and Temporal's single-line markdown;
 * pure helpers, imported by the workflow sandbox and the API. Nothing here may carry a secret:
 * specs name connections, never credentials.
 */
import type { KeyRange, KeyValue } from '../connectors/types';
import type { MigrationInput } from './types';

/** Longest key value shown in an activity summary (a composite or text key can be long). */
const VALUE_CHARS = 40;

function endpointName(type: string, table: string | undefined, namespace?: string): string {
  if (!table) return `${type} query`;
  return `${type} ${namespace ? `${namespace}.` : ''}${table}`;
}

/** `Monthly Sales: SINGLESTORE sales_data → HYDROLIX sales_history` (one line). */
export function runSummary(input: MigrationInput, scheduleName?: string): string {
  const from = endpointName(input.source.type, input.source.spec.table);
  const to = endpointName(input.destination.type, input.destination.spec.table, input.destination.spec.namespace);
  const name = scheduleName && scheduleName !== input.name ? `${scheduleName} (schedule): ${input.name}` : input.name;
  return `${name}: ${from} → ${to}${input.options.mode === 'incremental' ? ' (incremental)' : ''}`;
}

/** The run's static details: source, query, destination and options, as markdown. */
export function runDetails(input: MigrationInput): string {
  const { source, destination, options } = input;
  const lines = [`**Migration** ${input.migrationId}`];
  lines.push(`**Source** ${source.type}${source.spec.table ? ` table \`${source.spec.table}\`` : ''}${connection(source.spec.connection)}`);
  if (source.spec.query) lines.push('**Query**', '```sql', source.spec.query, '```');
  if (source.spec.orderBy?.length) lines.push(`**Order by** ${source.spec.orderBy.join(', ')}`);
  const target = `${destination.spec.namespace ? `${destination.spec.namespace}.` : ''}${destination.spec.table}`;
  lines.push(`**Destination** ${destination.type} table \`${target}\`${connection(destination.spec.connection)}`);
  const destOptions = Object.entries(destination.spec.options ?? {}).map(([k, v]) => `${k} ${v}`);
  if (destOptions.length > 0) lines.push(`**Destination options** ${destOptions.join(', ')}`);
  const opts = [
    `mode ${options.mode}`,
    `parallelism ${options.parallelism}`,
    options.chunkRows !== undefined ? `chunk_rows ${options.chunkRows}` : 'chunk_rows auto',
    options.batchRows !== undefined ? `batch_rows ${options.batchRows}` : 'batch_rows auto',
  ];
  if (options.mode === 'incremental') {
    opts.push(`cursor ${options.cursorColumn}`, `high-water mark ${options.highWaterMark === undefined || options.highWaterMark === null ? 'none' : String(options.highWaterMark)}`);
    if (options.lookback !== undefined) opts.push(`lookback ${options.lookback}`);
  }
  lines.push(`**Options** ${opts.join(', ')}`);
  return lines.join('\n');
}

function connection(name: string | undefined): string {
  return name ? ` (connection ${name})` : '';
}

/** Summaries of the steps around the copy, by activity name. */
export const STEP_SUMMARIES: Record<string, string> = {
  checkConnections: 'Connect to source and destination',
  readSourceSchema: 'Read the source schema',
  incrementalWindow: 'Find the incremental window',
  planChunks: 'Plan key ranges',
  createDestinationTable: 'Create the destination table',
  tallySource: 'Count the source rows (alongside the copy)',
  finishAndTallyDestination: 'Finish the destination table and count it',
  verifyCounts: 'Verify row counts',
  advanceScheduleMark: "Advance the schedule's high-water mark",
};

function valueText(v: KeyValue): string {
  const text = v === null ? 'NULL' : typeof v === 'string' ? v : String(v);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text;
}

function tupleText(t: KeyValue[]): string {
  return t.length === 1 ? valueText(t[0]) : `(${t.map(valueText).join(', ')})`;
}

/** `chunk 3 of 10, key range (2000, 3000]` (chunk numbers count from 1). */
export function chunkSummary(index: number, total: number, range: KeyRange): string {
  const from = range.after ? `(${tupleText(range.after)}` : '(start';
  const to = range.upTo ? `${tupleText(range.upTo)}]` : 'end)';
  return `chunk ${index + 1} of ${total}, key range ${from}, ${to}`;
}

/** The activity id of a chunk's copy; `chunkOfActivity` reads it back. */
export function chunkActivityId(index: number): string {
  return `chunk-${index}`;
}

export function chunkOfActivity(activityId: string | null | undefined): number | undefined {
  const m = /^chunk-(\d+)$/.exec(activityId ?? '');
  return m ? Number(m[1]) : undefined;
}

/** 1234567 → "1,234,567" (no Intl: the same text on every worker). */
export function grouped(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 75 → "1 min 15 s". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
