/** Translates a validated HTTP request into the workflow's input (camelCase, defaults filled, no secrets). */
import { createHash } from 'node:crypto';
import { destinationIdentifierError, destinationTypes, quoteIdentifierFor, sourceSpecError, sourceTypes } from '../connectors/registry';
import type { SourceSpec } from '../connectors/types';
import type { MigrationInput, MigrationOptions } from '../workflows/types';
import { validateCreateMigration, type CreateMigrationRequest, type FieldError, type Validated } from './schemas';

/**
 * chunkRows is left unset: planning picks it from the row count (activities/setup.ts); so is
 * batchRows: the copy picks it by path (activities/copy-chunk.ts).
 */
export const DEFAULT_OPTIONS: MigrationOptions = {
  parallelism: 2,
  chunksPerRun: 500,
  mode: 'full',
};

/** Connector names must be registered; checked here so nothing starts for an unknown one. */
export function connectorTypeErrors(req: CreateMigrationRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (!sourceTypes().includes(req.source_type)) {
    errors.push({ path: 'source_type', message: `unknown source connector "${req.source_type}"; known: ${sourceTypes().join(', ')}` });
  }
  if (!destinationTypes().includes(req.destination_type)) {
    errors.push({
      path: 'destination_type',
      message: `unknown destination connector "${req.destination_type}"; known: ${destinationTypes().join(', ')}`,
    });
  }
  return errors;
}

/** Destination names the destination would truncate (PostgreSQL: 63 bytes) are refused, never shortened. */
export function destinationNameErrors(req: CreateMigrationRequest): FieldError[] {
  const d = req.destination_config;
  const errors: FieldError[] = [];
  for (const field of ['table', 'schema', 'project'] as const) {
    const name = d[field];
    const message = name === undefined ? undefined : destinationIdentifierError(req.destination_type, name);
    if (message) errors.push({ path: `destination_config.${field}`, message });
  }
  return errors;
}

/** The source connector's own static checks (e.g. one read-only SELECT), before anything starts. */
export function sourceSpecErrors(req: CreateMigrationRequest): FieldError[] {
  const spec = sourceSpec(req);
  if (req.transform_query) {
    const own = sourceSpecError(req.source_type, { ...spec, query: req.transform_query });
    if (own) return [{ path: 'transform_query', message: own.replace('source_config.query', 'transform_query') }];
  }
  const message = sourceSpecError(req.source_type, spec);
  return message ? [{ path: req.transform_query ? 'transform_query' : 'source_config.query', message }] : [];
}

/**
 * `transform_query` runs on the source over the source rows, which it sees as `source`
 * (a CTE): e.g. `SELECT id, UPPER(name) AS name FROM source`. It must keep the key columns.
 */
function sourceSpec(req: CreateMigrationRequest): SourceSpec {
  const cfg = req.source_config;
  const orderBy = cfg.order_by === undefined ? undefined : Array.isArray(cfg.order_by) ? cfg.order_by : [cfg.order_by];
  let query = cfg.query;
  if (req.transform_query) {
    const base = query ?? `SELECT * FROM ${quoteIdentifierFor(req.source_type, cfg.table!)}`;
    query = `WITH source AS (${base.trim().replace(/;\s*$/, '')}) ${req.transform_query.trim().replace(/;\s*$/, '')}`;
  }
  return { connection: cfg.connection, table: cfg.table, query, orderBy };
}

/** Short enough for every destination (27 bytes); another migration never gets the same name. */
export function stagingTableName(migrationId: string): string {
  return `es_staging_${createHash('sha256').update(migrationId).digest('hex').slice(0, 16)}`;
}

export function toMigrationInput(req: CreateMigrationRequest, migrationId: string, createdAt: string): MigrationInput {
  const d = req.destination_config;
  const options: Record<string, string> = {};
  if (d.timestamp_column) options.timestamp_column = d.timestamp_column;
  if (d.boolean_as) options.boolean_as = d.boolean_as;
  if (d.overwrite_existing) options.overwrite_existing = 'true';
  const mode = req.options?.mode ?? 'full';
  options.write_mode = d.write_mode ?? (mode === 'incremental' ? 'upsert' : 'append');
  // replace loads into a staging table named for this migration and swaps it in at the finish.
  if (options.write_mode === 'replace') options.staging_table = stagingTableName(migrationId);
  return {
    migrationId,
    name: req.name,
    createdAt,
    source: { type: req.source_type, spec: sourceSpec(req) },
    destination: {
      type: req.destination_type,
      spec: { connection: d.connection, table: d.table, namespace: d.project ?? d.schema, options },
    },
    options: {
      ...(req.options?.chunk_rows !== undefined ? { chunkRows: req.options.chunk_rows } : {}),
      batchRows: req.options?.batch_rows,
      parallelism: req.options?.parallelism ?? DEFAULT_OPTIONS.parallelism,
      chunksPerRun: DEFAULT_OPTIONS.chunksPerRun,
      mode,
      ...(mode === 'incremental'
        ? {
            cursorColumn: req.options?.cursor_column,
            highWaterMark: req.options?.high_water_mark ?? null,
            ...(req.options?.lookback !== undefined ? { lookback: req.options.lookback } : {}),
            ...(req.options?.boundary_fingerprints ? { boundaryFingerprints: req.options.boundary_fingerprints } : {}),
          }
        : {}),
    },
  };
}

/**
 * Every check a migration request gets before anything starts: the schema, then the connector
 * names, then the source connector's own static checks (each stage only if the previous passed).
 */
export function checkMigrationRequest(body: unknown): Validated<CreateMigrationRequest> {
  const checked = validateCreateMigration(body);
  if (!checked.ok) return checked;
  const typeErrors = connectorTypeErrors(checked.value);
  if (typeErrors.length > 0) return { ok: false, errors: typeErrors };
  const specErrors = [...destinationNameErrors(checked.value), ...sourceSpecErrors(checked.value)];
  return specErrors.length > 0 ? { ok: false, errors: specErrors } : checked;
}
