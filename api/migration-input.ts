/** Translates a validated HTTP request into the workflow's input (camelCase, defaults filled, no secrets). */
import { createHash } from 'node:crypto';
import type { MigrationInput, MigrationOptions } from '../workflows/types';
import { sourceSpec, validateCreateMigration, type CreateMigrationRequest, type Validated } from './schemas';

/**
 * chunkRows is left unset: planning picks it from the row count (activities/setup.ts); so is
 * batchRows: the copy picks it by path (activities/copy-chunk.ts).
 */
export const DEFAULT_OPTIONS: MigrationOptions = {
  parallelism: 2,
  chunksPerRun: 500,
  mode: 'full',
};

/** Short enough for every destination (27 bytes); another migration never gets the same name. */
export function stagingTableName(migrationId: string): string {
  return `es_staging_${createHash('sha256').update(migrationId).digest('hex').slice(0, 16)}`;
}

/** destination_config fields that name the target; every other scalar field reaches the destination as an option. */
const TARGET_FIELDS = new Set(['connection', 'table', 'project', 'schema', 'columns']);

function destinationOptions(req: CreateMigrationRequest, migrationId: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.destination_config)) {
    if (TARGET_FIELDS.has(key) || value === undefined || value === null || typeof value === 'object') continue;
    // Flags travel only when set, as they always have (a destination reads an absent flag as false).
    if (value === false) continue;
    options[key] = String(value);
  }
  const mode = req.options?.mode ?? 'full';
  options.write_mode = req.destination_config.write_mode ?? (mode === 'incremental' ? 'upsert' : 'append');
  // replace loads into a staging table named for this migration and swaps it in at the finish.
  if (options.write_mode === 'replace') options.staging_table = stagingTableName(migrationId);
  return options;
}

export function toMigrationInput(req: CreateMigrationRequest, migrationId: string, createdAt: string): MigrationInput {
  const d = req.destination_config;
  const mode = req.options?.mode ?? 'full';
  return {
    migrationId,
    name: req.name,
    createdAt,
    source: { type: req.source_type, spec: sourceSpec(req) },
    destination: {
      type: req.destination_type,
      spec: {
        connection: d.connection,
        table: d.table,
        namespace: d.project ?? d.schema,
        options: destinationOptions(req, migrationId),
        ...(d.columns !== undefined ? { columns: d.columns } : {}),
      },
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
 * Every check a migration request gets before anything starts: the shape, then each config
 * against its connector's schema, then the source connector's own static checks (each stage
 * only if the previous passed). Shared by POST /api/migrations, schedules and templates.
 */
export function checkMigrationRequest(body: unknown): Validated<CreateMigrationRequest> {
  return validateCreateMigration(body);
}
