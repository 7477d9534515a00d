/**
 * Zod building blocks of the connectors' request configs (`source_config`, `destination_config`),
 * shared so every connector names, bounds and explains the same fields the same way. Driver-free.
 */
import { z } from 'zod';
import { columnMappingSchema } from './column-mapping';
import type { WriteMode } from './connector-definition';

/** Longest `source_config.query` (and `transform_query`) a request may carry, in characters. */
export const MAX_QUERY_CHARS = 100_000;
/** Most columns an `order_by` may list. */
export const MAX_ORDER_BY = 16;

/** Plain identifiers only: they are quoted in SQL anyway, but a name with quotes or `;` is almost surely an attack or a typo. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

export const identifier = (what: string) =>
  z.string().regex(IDENTIFIER, `${what} must be a plain identifier (letters, digits, _ and $; at most 64 characters)`);

/**
 * An identifier the destination keeps as given: longer than `maxBytes` (UTF-8) is refused, since
 * the destination would truncate it and so could name another, existing table.
 */
export function destinationIdentifier(what: string, type: string, maxBytes?: number) {
  const base = identifier(what);
  if (maxBytes === undefined) return base;
  return base.superRefine((name, ctx) => {
    const bytes = new TextEncoder().encode(name).length;
    if (bytes > maxBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `${type} keeps identifiers of at most ${maxBytes} bytes (this one has ${bytes}); it would be truncated, which can name another table`,
      });
    }
  });
}

/** Keys that smell like credentials: those belong in the worker's environment, never in a request. */
export const CREDENTIAL_KEY = /pass|secret|token|credential|^url$|^uri$|^dsn$|^user(name)?$|^host$|^port$/i;
export const CREDENTIAL_MESSAGE =
  'credentials and hosts are not accepted in requests; configure them on the worker (e.g. SINGLESTORE_URL, HYDROLIX_URL) and pick one with "connection"';

/** A strict config object: unknown keys are refused, credential-looking ones with their own message. */
export function configObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' && issue.keys.some((k) => CREDENTIAL_KEY.test(k)) ? CREDENTIAL_MESSAGE : undefined,
  });
}

export const connectionField = identifier('connection')
  .optional()
  .describe('Which configured connection of this type to use (`<PREFIX>_URL_<CONNECTION>` on the worker); default: `<PREFIX>_URL`');

/** `source_config` of SQL sources: a table, a read-only query, or both (the query then names the rows). */
export function sqlSourceConfig(title: string) {
  return configObject({
    connection: connectionField,
    table: identifier('table').optional().describe('Source table (in the connection database or search path)').meta({ example: 'sales_data' }),
    query: z
      .string()
      .min(1)
      .max(MAX_QUERY_CHARS)
      .optional()
      .describe('One read-only SELECT (or WITH … SELECT) whose rows are copied; checked before anything starts')
      .meta({ example: "SELECT * FROM sales_data WHERE date >= '2024-01-01'" }),
    order_by: z
      .union([identifier('order_by'), z.array(identifier('order_by')).min(1).max(MAX_ORDER_BY)])
      .optional()
      .describe('Key column(s) to page a query (or a table without a primary key) by'),
  })
    .refine((cfg) => cfg.table !== undefined || cfg.query !== undefined, { message: 'give a table, a query, or both', path: ['table'] })
    .meta({ title });
}

export const overwriteExistingField = z
  .boolean()
  .optional()
  .describe('replace/upsert into an existing table Epic Shelter did not create: refused unless true');

export const writeModeField = (modes: readonly WriteMode[]) =>
  z
    .enum(modes as [WriteMode, ...WriteMode[]], { message: `write_mode must be one of ${modes.join(', ')} for this destination` })
    .optional()
    .describe('append (default for full copies), upsert on the key (default for incremental), or replace (load a new table, swap it in at the end)');

/** Most columns one `destination_config.columns` may list (PostgreSQL tables hold at most 1600). */
export const MAX_MAPPED_COLUMNS = 4096;

export const columnsField = columnMappingSchema
  .refine((m) => Object.keys(m).length <= MAX_MAPPED_COLUMNS, `columns lists at most ${MAX_MAPPED_COLUMNS} source columns`)
  .optional();
