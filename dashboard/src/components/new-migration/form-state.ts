/** The new-migration form's state and its translation to and from the POST /api/migrations body. */
import type { ColumnRules, CreateMigration, DestinationConfig, SourceConfig } from '../../api/types';

export interface FormState {
  name: string;
  sourceType: string;
  sourceConnection: string;
  sourceMode: 'table' | 'query';
  sourceTable: string;
  sourceQuery: string;
  destinationType: string;
  destinationConnection: string;
  destinationTable: string;
  /** PostgreSQL schema or Hydrolix project (the destination's namespace), and which of the two it is. */
  destinationNamespace: string;
  destinationNamespaceKey: 'schema' | 'project';
  /** Hydrolix: the table's primary timestamp column. */
  timestampColumn: string;
  writeMode: '' | 'append' | 'upsert' | 'replace';
  columns: ColumnRules;
  transformQuery: string;
  mode: 'full' | 'incremental';
  cursorColumn: string;
  lookback: string;
  parallelism: string;
}

export const EMPTY_FORM: FormState = {
  name: '',
  sourceType: '',
  sourceConnection: '',
  sourceMode: 'table',
  sourceTable: '',
  sourceQuery: '',
  destinationType: '',
  destinationConnection: '',
  destinationTable: '',
  destinationNamespace: '',
  destinationNamespaceKey: 'schema',
  timestampColumn: '',
  writeMode: '',
  columns: {},
  transformQuery: '',
  mode: 'full',
  cursorColumn: '',
  lookback: '',
  parallelism: '2',
};

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** Only rules that change something: an empty rename or a cast back to the default is no rule. */
export function cleanColumns(columns: ColumnRules): ColumnRules | undefined {
  const out: ColumnRules = {};
  for (const [col, rule] of Object.entries(columns)) {
    const r = { ...(rule.name?.trim() && rule.name.trim() !== col ? { name: rule.name.trim() } : {}), ...(rule.cast ? { cast: rule.cast } : {}), ...(rule.skip ? { skip: true } : {}) };
    if (Object.keys(r).length > 0) out[col] = r;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function bodyFromForm(f: FormState): CreateMigration {
  const parallelism = Number(f.parallelism);
  const lookback = opt(f.lookback);
  const options: NonNullable<CreateMigration['options']> = {
    ...(Number.isInteger(parallelism) && f.parallelism.trim() !== '' ? { parallelism } : {}),
    ...(f.mode === 'incremental'
      ? { mode: 'incremental' as const, cursor_column: opt(f.cursorColumn), ...(lookback !== undefined ? { lookback: /^\d+$/.test(lookback) ? Number(lookback) : lookback } : {}) }
      : {}),
  };
  const columns = cleanColumns(f.columns);
  const ns = opt(f.destinationNamespace);
  return {
    name: f.name.trim(),
    // The selects offer only the API's own connector types.
    source_type: f.sourceType as CreateMigration['source_type'],
    source_config: {
      ...(f.sourceConnection.trim() ? { connection: f.sourceConnection.trim() } : {}),
      ...(f.sourceMode === 'table' ? { table: opt(f.sourceTable) } : { query: opt(f.sourceQuery) }),
    },
    destination_type: f.destinationType as CreateMigration['destination_type'],
    destination_config: {
      table: f.destinationTable.trim(),
      ...(f.destinationConnection.trim() ? { connection: f.destinationConnection.trim() } : {}),
      ...(ns ? { [f.destinationNamespaceKey]: ns } : {}),
      ...(opt(f.timestampColumn) ? { timestamp_column: f.timestampColumn.trim() } : {}),
      ...(f.writeMode ? { write_mode: f.writeMode } : {}),
      ...(columns ? { columns } : {}),
    },
    ...(opt(f.transformQuery) ? { transform_query: f.transformQuery.trim() } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}

export function formFromBody(b: CreateMigration): FormState {
  const sc = b.source_config as SourceConfig;
  const dc = b.destination_config as DestinationConfig;
  return {
    ...EMPTY_FORM,
    name: b.name,
    sourceType: b.source_type,
    sourceConnection: sc.connection ?? '',
    sourceMode: sc.table === undefined && sc.query !== undefined ? 'query' : 'table',
    sourceTable: sc.table ?? '',
    sourceQuery: sc.query ?? '',
    destinationType: b.destination_type,
    destinationConnection: dc.connection ?? '',
    destinationTable: dc.table,
    destinationNamespace: ('project' in dc ? dc.project : undefined) ?? ('schema' in dc ? dc.schema : undefined) ?? '',
    destinationNamespaceKey: 'project' in dc && dc.project !== undefined ? 'project' : 'schema',
    timestampColumn: ('timestamp_column' in dc ? dc.timestamp_column : undefined) ?? '',
    writeMode: dc.write_mode ?? '',
    columns: dc.columns ?? {},
    transformQuery: b.transform_query ?? '',
    mode: b.options?.mode ?? 'full',
    cursorColumn: b.options?.cursor_column ?? '',
    lookback: b.options?.lookback !== undefined ? String(b.options.lookback) : '',
    parallelism: b.options?.parallelism !== undefined ? String(b.options.parallelism) : '2',
  };
}

/** What the plan needs before it can be asked for. */
export function readyToPlan(f: FormState): boolean {
  const source = f.sourceMode === 'table' ? f.sourceTable.trim() : f.sourceQuery.trim();
  return Boolean(f.sourceType && source && f.destinationType && f.destinationTable.trim());
}

/** API field paths (`destination_config.table`) → the form's input ids, for errors shown under inputs. */
export const FIELD_INPUTS: Record<string, string> = {
  name: 'name',
  source_type: 'source',
  'source_config.table': 'source-table',
  'source_config.query': 'source-query',
  'source_config.connection': 'source-connection',
  destination_type: 'destination',
  'destination_config.table': 'destination-table',
  'destination_config.schema': 'destination-namespace',
  'destination_config.project': 'destination-namespace',
  'destination_config.connection': 'destination-connection',
  'destination_config.write_mode': 'write-mode',
  'destination_config.timestamp_column': 'timestamp-column',
  transform_query: 'transform-query',
  'options.parallelism': 'parallelism',
  'options.cursor_column': 'cursor-column',
  'options.lookback': 'lookback',
  'options.mode': 'mode',
};
