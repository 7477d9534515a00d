/**
 * The HTTP contract (snake_case JSON), defined once with zod. Requests are checked here
 * before anything starts; errors name the field path.
 */
import { z } from 'zod';
import { durationSeconds, FINGERPRINT_CHARS, MAX_FINGERPRINTS } from '../workflows/incremental';

const MAX_LOOKBACK_S = 366 * 86_400;

/** Request bounds (README, "Bounds"): each refused with a 400 naming the field. */
export const BOUNDS = {
  parallelism: 16,
  chunkRows: { min: 100, max: 5_000_000 },
  batchRows: { min: 10, max: 200_000 },
  queryChars: 100_000,
  nameChars: 200,
} as const;

/** Plain identifiers only: they are quoted in SQL anyway, but a name with quotes or `;` is almost surely an attack or a typo. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const identifier = (what: string) =>
  z.string().regex(IDENTIFIER, `${what} must be a plain identifier (letters, digits, _ and $; at most 64 characters)`);

/** Keys that smell like credentials: those belong in the worker's environment, never in a request. */
const CREDENTIAL_KEY = /pass|secret|token|credential|^url$|^uri$|^dsn$|^user(name)?$|^host$|^port$/i;
const CREDENTIAL_MESSAGE =
  'credentials and hosts are not accepted in requests; configure them on the worker (e.g. SINGLESTORE_URL, HYDROLIX_URL) and pick one with "connection"';

const connectionName = identifier('connection');

export const sourceConfigSchema = z
  .object({
    connection: connectionName.optional(),
    table: identifier('table').optional(),
    query: z.string().min(1).max(BOUNDS.queryChars).optional(),
    order_by: z.union([identifier('order_by'), z.array(identifier('order_by')).min(1).max(16)]).optional(),
  })
  .strict()
  .refine((cfg) => cfg.table !== undefined || cfg.query !== undefined, { message: 'give a table, a query, or both', path: ['table'] });

export const destinationConfigSchema = z
  .object({
    connection: connectionName.optional(),
    table: identifier('table'),
    project: identifier('project').optional(),
    schema: identifier('schema').optional(),
    timestamp_column: identifier('timestamp_column').optional(),
    /** append (default for full), upsert on the key (default for incremental), or replace (empty the table first). */
    write_mode: z.enum(['append', 'upsert', 'replace']).optional(),
    /** PostgreSQL: TINYINT(1) as boolean (default; a value other than 0/1 fails the run) or smallint (every value kept). */
    boolean_as: z.enum(['boolean', 'smallint']).optional(),
    /** replace/upsert into an existing table Epic Shelter did not create: refused unless true. */
    overwrite_existing: z.boolean().optional(),
  })
  .strict();

export const optionsSchema = z
  .object({
    chunk_rows: z.number().int().min(BOUNDS.chunkRows.min).max(BOUNDS.chunkRows.max).optional(),
    batch_rows: z.number().int().min(BOUNDS.batchRows.min).max(BOUNDS.batchRows.max).optional(),
    parallelism: z.number().int().min(1).max(BOUNDS.parallelism).optional(),
    mode: z.enum(['full', 'incremental']).optional(),
    cursor_column: identifier('cursor_column').optional(),
    /** The last run's high_water_mark: the window reads from it (minus lookback) inclusive. */
    high_water_mark: z.union([z.string().min(1).max(64), z.number()]).nullable().optional(),
    /** How far before the mark a run reads again, for late commits: a duration ("10m") or, for an integer cursor, a number. */
    lookback: z
      .union([
        z.string().refine((s) => durationSeconds(s) !== undefined && durationSeconds(s)! <= MAX_LOOKBACK_S, {
          message: 'lookback must be a duration such as "30s", "10m", "1h" or "1h30m" (units d, h, m, s; at most 366d), or a number for an integer cursor',
        }),
        z.number().int('lookback as a number is a whole number of integer-cursor units').min(0, 'lookback must not be negative').max(Number.MAX_SAFE_INTEGER),
      ])
      .optional(),
    /** The last run's boundary_fingerprints (its status), passed back with its high_water_mark. */
    boundary_fingerprints: z
      .string()
      .max(MAX_FINGERPRINTS * FINGERPRINT_CHARS, `boundary_fingerprints holds at most ${MAX_FINGERPRINTS} fingerprints`)
      .regex(/^(?:[A-Za-z0-9+/]{12})*$/, 'boundary_fingerprints must be the value a completed run reported, unchanged')
      .optional(),
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

const connectorType = z.string().min(1).max(64).regex(/^[A-Z][A-Z0-9_]*$/, 'connector types are upper-case names such as SINGLESTORE');

export const createMigrationSchema = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(BOUNDS.nameChars),
    source_type: connectorType,
    source_config: sourceConfigSchema,
    destination_type: connectorType,
    destination_config: destinationConfigSchema,
    transform_query: z.string().min(1).max(BOUNDS.queryChars).optional(),
    options: optionsSchema.optional(),
  })
  .strict();

export type CreateMigrationRequest = z.infer<typeof createMigrationSchema>;

/** Credential-looking keys get their own message (zod alone would only say "unrecognized key"). */
function credentialErrors(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!body || typeof body !== 'object') return errors;
  for (const section of ['source_config', 'destination_config'] as const) {
    const cfg = (body as Record<string, unknown>)[section];
    if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) continue;
    for (const key of Object.keys(cfg)) {
      if (CREDENTIAL_KEY.test(key)) errors.push({ path: `${section}.${key}`, message: CREDENTIAL_MESSAGE });
    }
  }
  return errors;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function validateCreateMigration(body: unknown): Validated<CreateMigrationRequest> {
  const creds = credentialErrors(body);
  const parsed = createMigrationSchema.safeParse(body);
  if (creds.length > 0) {
    const others = parsed.success ? [] : fieldErrors(parsed.error).filter((e) => !creds.some((c) => c.path === e.path));
    return { ok: false, errors: [...creds, ...others] };
  }
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

export type MigrationStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface MigrationView {
  id: string;
  name: string;
  status: MigrationStatus;
  progress: number;
  rows_copied: number;
  rows_total: number | null;
  created_at: string;
  updated_at: string;
  error: string | null;
  source_type: string;
  destination_type: string;
  phase: string;
  chunks_done: number;
  chunks_total: number | null;
  rows_per_second: number | null;
  /** Seconds until the copy's last row at the rate so far: while copying only (0 once completed, else null). */
  eta_seconds: number | null;
  target: string | null;
  warnings: string[];
  /** Incremental runs: the mark the next run reads from (minus its lookback, inclusive). */
  high_water_mark: string | number | null;
  /** Incremental runs, once completed: pass back as options.boundary_fingerprints with high_water_mark. */
  boundary_fingerprints: string | null;
  lookback: string | number | null;
  /** Incremental runs: rows read again in the window and skipped, delivered unchanged by an earlier run. */
  rows_skipped: number;
  /** Workflow runs so far (continue-as-new and retries each add one). */
  runs: number;
  /** The schedule that started this run, or null for migrations started directly. */
  schedule_id: string | null;
  verification: {
    source_rows: number;
    destination_rows: number;
    /** Exact sum of a single integer key at each end (null where an end cannot compute it). */
    source_key_sum: string | null;
    destination_key_sum: string | null;
    /** Append-only destinations only (Hydrolix): distinct keys held and the rows beyond them (duplicate copies). */
    destination_distinct_keys?: number;
    duplicates?: number;
    ok: boolean;
  } | null;
}

export const MIGRATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly MigrationStatus[];

/** `GET /api/migrations` pages: at most this many entries each. */
export const LIST_PAGE_SIZE = { default: 50, max: 200 } as const;

/** `GET /api/migrations` query parameters. */
export const listMigrationsQuerySchema = z
  .object({
    page_size: z.coerce.number().int().min(1).max(LIST_PAGE_SIZE.max).optional(),
    /** The previous page's next_page_token, unchanged (with the same filters). */
    page_token: z.string().min(1).max(8_192).regex(/^[A-Za-z0-9_-]+$/, 'page_token must be a next_page_token as returned').optional(),
    /** One status or several, comma-separated (`failed,cancelled`). */
    status: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(MIGRATION_STATUSES, { message: `status must be one of ${MIGRATION_STATUSES.join(', ')}` })).min(1))
      .optional(),
    source_type: connectorType.optional(),
    destination_type: connectorType.optional(),
    /** Whole words of the name, any case: `sales` finds "Monthly Sales Migration". */
    name: z
      .string()
      .max(BOUNDS.nameChars)
      .refine((s) => nameWords(s).length > 0, 'name must hold at least one letter or digit')
      .optional(),
    schedule_id: z.string().min(1).max(BOUNDS.nameChars).optional(),
  })
  .strict();

export type ListMigrationsQuery = z.infer<typeof listMigrationsQuerySchema>;

/** The words a name search matches (letters and digits; the rest separates words). */
export function nameWords(s: string): string[] {
  return s.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}
