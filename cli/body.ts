/**
 * Request bodies from the command line: a JSON file (`-` for standard input) and/or flags,
 * flags winning field by field. The API checks the result; nothing is validated twice here.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CreateMigrationRequest } from '../api/schemas';
import { UsageError } from './exit-codes';

type Json = Record<string, unknown>;

/** Flag values of the migration options added by addMigrationOptions (commander's camelCase keys). */
export interface MigrationFlags {
  name?: string;
  migrationName?: string;
  source?: string;
  sourceTable?: string;
  query?: string;
  orderBy?: string[];
  sourceConnection?: string;
  destination?: string;
  destinationTable?: string;
  schema?: string;
  project?: string;
  timestampColumn?: string;
  writeMode?: string;
  overwriteExisting?: boolean;
  destinationConnection?: string;
  transformQuery?: string;
  parallelism?: number;
  chunkRows?: number;
  batchRows?: number;
  mode?: string;
  cursorColumn?: string;
  lookback?: string;
  highWaterMark?: string;
  rename?: Array<[string, string]>;
  skip?: string[];
  cast?: Array<[string, string]>;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number greater than 0');
  return n;
}

/** Seconds, fractions allowed (0.2 to 3600). */
export function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0.2 || n > 3600) throw new InvalidArgumentError('expected seconds between 0.2 and 3600');
  return n;
}

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Repeatable `column=value` flags, collected in order. */
const pairs = (flag: string) => (value: string, previous: Array<[string, string]> = []) => {
  const at = value.indexOf('=');
  if (at < 1 || at === value.length - 1) throw new InvalidArgumentError(`expected ${flag}, e.g. amount=numeric`);
  return [...previous, [value.slice(0, at), value.slice(at + 1)] as [string, string]];
};
const repeated = (value: string, previous: string[] = []) => [...previous, ...list(value)];

/**
 * The migration flags. `nameFlag`: `--name` for `migrate`/`plan`; `--migration-name` where `--name`
 * names a template or schedule.
 */
export function addMigrationOptions(cmd: Command, nameFlag: '--name' | '--migration-name' = '--name'): Command {
  return cmd
    .option(`${nameFlag} <name>`, 'migration name, shown in lists')
    .option('--source <type>', 'source connector, e.g. SINGLESTORE or POSTGRES')
    .option('--source-table <table>', 'source table')
    .option('--query <sql>', 'source query (one read-only SELECT)')
    .option('--order-by <columns>', 'comma-separated columns to page by when the rows have no key', list)
    .option('--source-connection <name>', 'named source connection configured on the worker')
    .option('--destination <type>', 'destination connector, e.g. POSTGRES or HYDROLIX')
    .option('--destination-table <table>', 'destination table')
    .option('--schema <schema>', 'PostgreSQL schema of the destination table')
    .option('--project <project>', 'Hydrolix project of the destination table')
    .option('--timestamp-column <column>', 'Hydrolix primary timestamp column')
    .addOption(new Option('--write-mode <mode>', 'how rows are written').choices(['append', 'upsert', 'replace']))
    .option('--overwrite-existing', 'allow replace/upsert into a table Epic Shelter did not create')
    .option('--destination-connection <name>', 'named destination connection configured on the worker')
    .option('--transform-query <sql>', 'SELECT over the source rows, seen as `source`')
    .option('--parallelism <n>', 'chunks copied at once', positiveInt)
    .option('--chunk-rows <n>', 'rows per chunk', positiveInt)
    .option('--batch-rows <n>', 'rows per page and write', positiveInt)
    .addOption(new Option('--mode <mode>', 'full copy or only new/changed rows').choices(['full', 'incremental']))
    .option('--cursor-column <column>', 'incremental: the monotonic column')
    .option('--lookback <duration>', 'incremental: read again this far before the mark, e.g. 10m')
    .option('--high-water-mark <value>', 'incremental: start after this cursor value')
    .option('--rename <source=destination>', 'column mapping: write a source column under another name (repeatable)', pairs('source=destination'))
    .option('--skip <columns>', 'column mapping: leave these source columns out (comma-separated, repeatable)', repeated)
    .option('--cast <column=type>', 'column mapping: cast a source column to this destination type (repeatable)', pairs('column=type'));
}

/** Reads a JSON object from a file, or from standard input for `-`. */
export function readJsonFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file === '-' ? 'standard input' : file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file === '-' ? 'standard input' : file} is not JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file === '-' ? 'standard input' : file} must hold a JSON object`);
  return value as Json;
}

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const section = (base: unknown): Json => (base && typeof base === 'object' && !Array.isArray(base) ? (base as Json) : {});

/** `base` (from a file, or {}) with the flags laid over it. */
export function migrationBody(base: Json, f: MigrationFlags): CreateMigrationRequest {
  const name = f.migrationName ?? f.name;
  const options = defined({
    parallelism: f.parallelism,
    chunk_rows: f.chunkRows,
    batch_rows: f.batchRows,
    mode: f.mode,
    cursor_column: f.cursorColumn,
    lookback: f.lookback,
    high_water_mark: f.highWaterMark,
  });
  const columns: Record<string, Json> = { ...(section(section(base.destination_config).columns) as Record<string, Json>) };
  const rule = (column: string, change: Json) => (columns[column] = { ...section(columns[column]), ...change });
  for (const [column, name] of f.rename ?? []) rule(column, { name });
  for (const column of f.skip ?? []) rule(column, { skip: true });
  for (const [column, type] of f.cast ?? []) rule(column, { cast: type });
  const body: Json = {
    ...base,
    ...defined({ name, source_type: f.source, destination_type: f.destination, transform_query: f.transformQuery }),
    source_config: {
      ...section(base.source_config),
      ...defined({ table: f.sourceTable, query: f.query, order_by: f.orderBy, connection: f.sourceConnection }),
    },
    destination_config: {
      ...section(base.destination_config),
      ...defined({
        table: f.destinationTable,
        schema: f.schema,
        project: f.project,
        timestamp_column: f.timestampColumn,
        write_mode: f.writeMode,
        overwrite_existing: f.overwriteExisting,
        connection: f.destinationConnection,
        columns: Object.keys(columns).length > 0 ? columns : undefined,
      }),
    },
  };
  if (Object.keys(options).length > 0 || base.options !== undefined) body.options = { ...section(base.options), ...options };
  const missing = [
    ['name', body.name, '--name'],
    ['source_type', body.source_type, '--source'],
    ['destination_type', body.destination_type, '--destination'],
    ['destination_config.table', section(body.destination_config).table, '--destination-table'],
  ].filter(([, v]) => v === undefined);
  const src = section(body.source_config);
  if (src.table === undefined && src.query === undefined) missing.push(['source_config.table', undefined, '--source-table or --query']);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map(([field, , flag]) => `${field} (${flag})`).join(', ')}: give them as flags or in a JSON file`);
  }
  return body as unknown as CreateMigrationRequest;
}
