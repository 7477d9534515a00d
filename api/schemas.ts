/**
 * The HTTP contract (snake_case JSON), defined once with zod. Requests are checked here
 * before anything starts; errors name the field path. The connector parts (types, per-type
 * source_config/destination_config, query checks) come from the registered connector
 * definitions, so adding a connector changes nothing here.
 */
// zod from @hono/zod-openapi: the same zod, with .openapi() on every schema made here (routers call it).
import { z } from '@hono/zod-openapi';
import type { ColumnMapping } from '../connectors/column-mapping';
import { MAX_QUERY_CHARS, identifier } from '../connectors/config-fields';
import type { WriteMode } from '../connectors/connector-definition';
import { connectorDefinitions, definitionOf, destinationTypes, quoteIdentifierFor, sourceSpecError, sourceTypes } from '../connectors/definitions';
import type { SourceSpec } from '../connectors/types';
import { durationSeconds, FINGERPRINT_CHARS, MAX_FINGERPRINTS } from '../workflows/incremental';

const MAX_LOOKBACK_S = 366 * 86_400;

/** Request bounds (README, "Bounds"): each refused with a 400 naming the field. */
export const BOUNDS = {
  parallelism: 16,
  chunkRows: { min: 100, max: 5_000_000 },
  batchRows: { min: 10, max: 200_000 },
  queryChars: MAX_QUERY_CHARS,
  nameChars: 200,
} as const;

export { IDENTIFIER } from '../connectors/config-fields';

export const optionsSchema = z
  .object({
    chunk_rows: z
      .number()
      .int()
      .min(BOUNDS.chunkRows.min)
      .max(BOUNDS.chunkRows.max)
      .optional()
      .describe('Rows per chunk (a unit of work that is retried alone); default: planned from the row count'),
    batch_rows: z
      .number()
      .int()
      .min(BOUNDS.batchRows.min)
      .max(BOUNDS.batchRows.max)
      .optional()
      .describe('Rows per read and write inside a chunk; default: picked by the copy path (bytes stay bounded by the worker)'),
    parallelism: z.number().int().min(1).max(BOUNDS.parallelism).optional().describe('Chunks copied at once (default 2)'),
    mode: z.enum(['full', 'incremental']).optional().describe('full (default) copies every row; incremental reads from a cursor column\'s mark'),
    cursor_column: identifier('cursor_column').optional().describe('incremental: a timestamp or other monotonic column'),
    /** The last run's high_water_mark: the window reads from it (minus lookback) inclusive. */
    high_water_mark: z
      .union([z.string().min(1).max(64), z.number()])
      .nullable()
      .optional()
      .describe("incremental: the last run's high_water_mark; the window reads from it (minus lookback), inclusive"),
    /** How far before the mark a run reads again, for late commits: a duration ("10m") or, for an integer cursor, a number. */
    lookback: z
      .union([
        z.string().refine((s) => durationSeconds(s) !== undefined && durationSeconds(s)! <= MAX_LOOKBACK_S, {
          message: 'lookback must be a duration such as "30s", "10m", "1h" or "1h30m" (units d, h, m, s; at most 366d), or a number for an integer cursor',
        }),
        z.number().int('lookback as a number is a whole number of integer-cursor units').min(0, 'lookback must not be negative').max(Number.MAX_SAFE_INTEGER),
      ])
      .optional()
      .describe('incremental: how far before the mark to read again, for late commits ("10m", at most 366d; a number for an integer cursor)'),
    /** The last run's boundary_fingerprints (its status), passed back with its high_water_mark. */
    boundary_fingerprints: z
      .string()
      .max(MAX_FINGERPRINTS * FINGERPRINT_CHARS, `boundary_fingerprints holds at most ${MAX_FINGERPRINTS} fingerprints`)
      .regex(/^(?:[A-Za-z0-9+/]{12})*$/, 'boundary_fingerprints must be the value a completed run reported, unchanged')
      .optional()
      .describe("incremental: the last run's boundary_fingerprints, passed back unchanged with its high_water_mark"),
  })
  .strict()
  .refine((o) => o.mode !== 'incremental' || o.cursor_column !== undefined, {
    message: 'incremental mode needs options.cursor_column (a timestamp or other monotonic column)',
    path: ['cursor_column'],
  })
  .refine(
    (o) =>
      o.mode === 'incremental' ||
      (o.cursor_column === undefined && o.high_water_mark === undefined && o.lookback === undefined && o.boundary_fingerprints === undefined),
    {
      message: 'cursor_column, high_water_mark, lookback and boundary_fingerprints only apply to options.mode "incremental"',
      path: ['mode'],
    },
  )
  .refine((o) => o.boundary_fingerprints === undefined || o.boundary_fingerprints === '' || (o.high_water_mark ?? null) !== null, {
    message: 'boundary_fingerprints belong to a high_water_mark: give both, as the last run reported them',
    path: ['boundary_fingerprints'],
  });

const CONNECTOR_TYPE = /^[A-Z][A-Z0-9_]*$/;
const connectorType = z.string().min(1).max(64).regex(CONNECTOR_TYPE, 'connector types are upper-case names such as SINGLESTORE');

/** A registered type of one role; anything else is refused naming the known ones. */
function typeOf(role: 'source' | 'destination', types: string[]) {
  return z
    .enum(types as [string, ...string[]], {
      error: (issue) =>
        issue.input === undefined
          ? `${role}_type is required`
          : typeof issue.input === 'string' && !CONNECTOR_TYPE.test(issue.input)
            ? `connector types are upper-case names such as ${types[0]}; known ${role} connectors: ${types.join(', ')}`
            : `unknown ${role} connector ${JSON.stringify(issue.input)}; known: ${types.join(', ')}`,
    })
    .describe(`The ${role} connector: ${types.join(', ')}`);
}

/**
 * The fields of `source_config` the API translates; each connector's own schema (its definition)
 * says which it accepts, and is what the request is checked against.
 */
export type SourceConfig = { connection?: string; table?: string; query?: string; order_by?: string | string[] } & Record<string, unknown>;
/** The fields of `destination_config` the API translates; the rest go to the destination as options. */
export type DestinationConfig = {
  connection?: string;
  table: string;
  project?: string;
  schema?: string;
  write_mode?: WriteMode;
  columns?: ColumnMapping;
} & Record<string, unknown>;

/** The component name of a connector's config schema in the OpenAPI document. */
export const configComponentName = (type: string, role: 'source' | 'destination') =>
  `${type
    .split('_')
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join('')}${role === 'source' ? 'Source' : 'Destination'}Config`;

/** Per-type configs, for the OpenAPI document: component name → the schema requests are checked against. */
export function connectorConfigSchemas(): Record<string, z.ZodType> {
  const out: Record<string, z.ZodType> = {};
  for (const def of connectorDefinitions()) {
    if (def.source) out[configComponentName(def.type, 'source')] = def.source.config;
    if (def.destination) out[configComponentName(def.type, 'destination')] = def.destination.config;
  }
  return out;
}

/** An object checked against the schema of the type named next to it (second stage, below). */
function configByType(role: 'source' | 'destination') {
  const defs = connectorDefinitions().filter((d) => d[role]);
  return z
    .record(z.string(), z.unknown())
    .describe(`Depends on ${role}_type: ${defs.map((d) => `${d.type} → ${configComponentName(d.type, role)}`).join(', ')}`)
    .meta({ anyOf: defs.map((d) => ({ $ref: `#/components/schemas/${configComponentName(d.type, role)}` })) } as Record<string, unknown>);
}

const migrationShape = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(BOUNDS.nameChars).describe('Shown in lists; searchable by word').meta({ example: 'Monthly Sales Migration' }),
    source_type: typeOf('source', sourceTypes()),
    source_config: configByType('source'),
    destination_type: typeOf('destination', destinationTypes()),
    destination_config: configByType('destination'),
    transform_query: z
      .string()
      .min(1)
      .max(BOUNDS.queryChars)
      .optional()
      .describe('A SELECT run on the source over the source rows, which it sees as `source`: e.g. `SELECT id, UPPER(name) AS name FROM source`. It must keep the key columns.'),
    options: optionsSchema.optional(),
  })
  .strict();

export type CreateMigrationRequest = Omit<z.infer<typeof migrationShape>, 'source_config' | 'destination_config'> & {
  source_config: SourceConfig;
  destination_config: DestinationConfig;
};

/**
 * The connector stage, once the shape is right: each config against its type's schema, then
 * (only if those pass) the source connector's own static checks of the rows it would read.
 */
function checkConnectors(req: CreateMigrationRequest, ctx: z.RefinementCtx): void {
  let failed = false;
  for (const role of ['source', 'destination'] as const) {
    const key = `${role}_config` as const;
    const schema = definitionOf(req[`${role}_type`])![role]!.config;
    const parsed = schema.safeParse(req[key]);
    if (parsed.success) continue;
    failed = true;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...(issue as object), path: [key, ...issue.path] } as never);
  }
  if (failed) return;
  for (const e of sourceSpecErrors(req)) ctx.addIssue({ code: 'custom', message: e.message, path: e.path.split('.') });
}

export const createMigrationSchema = migrationShape
  .pipe(z.custom<CreateMigrationRequest>().superRefine(checkConnectors))
  .meta({
    id: 'CreateMigrationRequest',
    example: {
      name: 'Monthly Sales Migration',
      source_type: 'SINGLESTORE',
      source_config: { table: 'sales_data', query: "SELECT * FROM sales_data WHERE date >= '2024-01-01'" },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'sales_history' },
      options: { parallelism: 4 },
    },
  });

/**
 * The source rows as the connector reads them. `transform_query` runs on the source over the
 * source rows, which it sees as `source` (a CTE), e.g. `SELECT id, UPPER(name) AS name FROM source`.
 */
export function sourceSpec(req: CreateMigrationRequest): SourceSpec {
  const cfg = req.source_config;
  const orderBy = cfg.order_by === undefined ? undefined : Array.isArray(cfg.order_by) ? cfg.order_by : [cfg.order_by];
  let query = cfg.query;
  if (req.transform_query) {
    const base = query ?? `SELECT * FROM ${quoteIdentifierFor(req.source_type, cfg.table!)}`;
    query = `WITH source AS (${base.trim().replace(/;\s*$/, '')}) ${req.transform_query.trim().replace(/;\s*$/, '')}`;
  }
  return { connection: cfg.connection, table: cfg.table, query, orderBy };
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

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Every check a migration request gets before anything starts (createMigrationSchema). */
export function validateCreateMigration(body: unknown): Validated<CreateMigrationRequest> {
  const parsed = createMigrationSchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export interface FieldError {
  path: string;
  message: string;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const path = [...issue.path, ...(keys.length === 1 ? keys : [])].map(String).join('.');
    return { path: path || '(body)', message: issue.message };
  });
}

export const MIGRATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

const verificationSchema = z.object({
  source_rows: z.number(),
  destination_rows: z.number(),
  /** Exact sum of a single integer key at each end (null where an end cannot compute it). */
  source_key_sum: z.string().nullable().describe('Exact sum of a single integer key at the source (null where it cannot be computed)'),
  destination_key_sum: z.string().nullable(),
  /** Append-only destinations only (Hydrolix): distinct keys held and the rows beyond them (duplicate copies). */
  destination_distinct_keys: z.number().optional().describe('Append-only destinations (Hydrolix): distinct keys held'),
  duplicates: z.number().optional().describe('Append-only destinations (Hydrolix): rows beyond the distinct keys (duplicate copies)'),
  ok: z.boolean(),
});

/** A migration as every route shows it. */
export const migrationViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(MIGRATION_STATUSES),
    progress: z.number().describe('Percent of rows copied, 0–100'),
    rows_copied: z.number(),
    rows_total: z.number().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    error: z.string().nullable().describe('The class of failure and the object it concerns; never database detail'),
    source_type: z.string(),
    destination_type: z.string(),
    phase: z.string().describe('connecting, planning, copying, verifying, finishing, done, ...'),
    chunks_done: z.number(),
    chunks_total: z.number().nullable(),
    rows_per_second: z.number().nullable(),
    /** Seconds until the copy's last row at the rate so far: while copying only (0 once completed, else null). */
    eta_seconds: z.number().nullable().describe("Seconds until the copy's last row at the rate so far: while copying (0 once completed, else null)"),
    target: z.string().nullable(),
    warnings: z.array(z.string()),
    /** Incremental runs: the mark the next run reads from (minus its lookback, inclusive). */
    high_water_mark: z.union([z.string(), z.number()]).nullable().describe('Incremental runs: the mark the next run reads from'),
    /** Incremental runs, once completed: pass back as options.boundary_fingerprints with high_water_mark. */
    boundary_fingerprints: z.string().nullable().describe('Incremental runs, once completed: pass back as options.boundary_fingerprints'),
    lookback: z.union([z.string(), z.number()]).nullable(),
    /** Incremental runs: rows read again in the window and skipped, delivered unchanged by an earlier run. */
    rows_skipped: z.number(),
    /** Workflow runs so far (continue-as-new and retries each add one). */
    runs: z.number().describe('Workflow runs so far (continue-as-new and retries each add one)'),
    /** The schedule that started this run, or null for migrations started directly. */
    schedule_id: z.string().nullable(),
    verification: verificationSchema.nullable(),
    chunks: z
      .array(
        z.object({
          index: z.number().int(),
          status: z.enum(['pending', 'copying', 'done']),
          rows: z.number().int().describe('Rows copied: final once done, from the last heartbeat while copying'),
        }),
      )
      .nullable()
      .optional()
      .describe('GET /api/migrations/{id} only: each chunk and its state; null before the plan exists and for plans of more than 100 chunks'),
  })
  .meta({
    id: 'Migration',
    example: {
      id: 'mig-2f7c9a0e-4b1d-4c8e-9f3a-6d5e4c3b2a10',
      name: 'Monthly Sales Migration',
      status: 'running',
      progress: 42,
      rows_copied: 420000,
      rows_total: 1000000,
      created_at: '2026-01-31T09:00:00.000Z',
      updated_at: '2026-01-31T09:01:10.000Z',
      error: null,
      source_type: 'SINGLESTORE',
      destination_type: 'HYDROLIX',
      phase: 'copying',
      chunks_done: 4,
      chunks_total: 10,
      rows_per_second: 6000,
      eta_seconds: 97,
      target: 'epic_shelter.sales_history',
      warnings: [],
      high_water_mark: null,
      boundary_fingerprints: null,
      lookback: null,
      rows_skipped: 0,
      runs: 1,
      schedule_id: null,
      verification: null,
    },
  });

export type MigrationView = z.infer<typeof migrationViewSchema>;

export const migrationListSchema = z
  .object({
    migrations: z.array(migrationViewSchema).describe('Newest first; one entry per migration (its latest run)'),
    next_page_token: z.string().nullable().describe('Pass as page_token (with the same filters) for the next page; null on the last'),
  })
  .meta({ id: 'MigrationList' });

/** `GET /api/migrations` pages: at most this many entries each. */
export const LIST_PAGE_SIZE = { default: 50, max: 200 } as const;

/** `GET /api/migrations` query parameters. */
export const listMigrationsQuerySchema = z
  .object({
    page_size: z.coerce.number().int().min(1).max(LIST_PAGE_SIZE.max).optional().describe(`Entries per page (default ${LIST_PAGE_SIZE.default}, at most ${LIST_PAGE_SIZE.max})`),
    /** The previous page's next_page_token, unchanged (with the same filters). */
    page_token: z
      .string()
      .min(1)
      .max(8_192)
      .regex(/^[A-Za-z0-9_-]+$/, 'page_token must be a next_page_token as returned')
      .optional()
      .describe("The previous page's next_page_token, unchanged (with the same filters)"),
    /** One status or several, comma-separated (`failed,cancelled`). */
    status: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(MIGRATION_STATUSES, { message: `status must be one of ${MIGRATION_STATUSES.join(', ')}` })).min(1))
      .optional()
      .describe(`One status or several, comma-separated: ${MIGRATION_STATUSES.join(', ')}`)
      .meta({ example: 'failed,cancelled' }),
    source_type: connectorType.optional().describe('Only migrations from this source connector'),
    destination_type: connectorType.optional().describe('Only migrations to this destination connector'),
    /** Whole words of the name, any case: `sales` finds "Monthly Sales Migration". */
    name: z
      .string()
      .max(BOUNDS.nameChars)
      .refine((s) => nameWords(s).length > 0, 'name must hold at least one letter or digit')
      .optional()
      .describe('Whole words of the name, any case: `sales` finds "Monthly Sales Migration"'),
    schedule_id: z.string().min(1).max(BOUNDS.nameChars).optional().describe('Only runs started by this schedule'),
  })
  .strict();

export type ListMigrationsQuery = z.infer<typeof listMigrationsQuerySchema>;

/**
 * The words a name search matches (letters and digits; the rest separates words), lower-cased:
 * PostgreSQL visibility matches Text attributes case-sensitively, so the attribute holds these
 * words and a search asks for them (see searchableName).
 */
export function nameWords(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/** What the MigrationName search attribute holds: the name's words, lower-cased (the name itself is in the memo and summary). */
export function searchableName(name: string): string {
  return nameWords(name).join(' ');
}
