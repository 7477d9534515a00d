/**
 * The catalog: connectors (types, roles, capabilities, config schemas, which the worker has
 * settings for), a source's tables with row estimates, and a table's columns with the type each
 * would get at a destination. Answered by a worker (api/catalog-service.ts); errors name the class
 * of failure and the object, never a database's error text, host or user.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { ConnectorStatus } from '../../activities/catalog';
import { connectorDefinitions, definitionOf, sourceTypes, destinationTypes } from '../../connectors/definitions';
import { failureResponse, SchemaService } from '../catalog-service';
import type { ApiEnv } from '../middleware/env';
import { errorResponse, invalid, jsonContent } from '../openapi';
import { IDENTIFIER } from '../schemas';

const tags = ['Catalog'];

/** Most tables one page lists (`limit`); the answer says when there are more. */
export const TABLES_PAGE = { default: 100, max: 500 } as const;

const roleStatusSchema = z.object({
  configured: z.boolean().describe("The worker's environment holds this role's settings (nothing is connected to find out)"),
  connections: z.array(z.string()).describe('Named connections configured besides the default (`<PREFIX>_URL_<NAME>`), lower-case: pass one as `connection`'),
});

const connectorSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    roles: z.array(z.enum(['source', 'destination'])),
    env_prefix: z.string().describe('Prefix of its worker settings, e.g. SINGLESTORE_URL'),
    capabilities: z.object({
      source: z.object({ query: z.boolean().describe('source_config.query accepted'), incremental: z.boolean().describe('options.mode incremental accepted') }).optional(),
      destination: z
        .object({
          write_modes: z.array(z.string()).describe('destination_config.write_mode values; the first is the default of a full copy'),
          upsert_in_place: z.boolean().describe('upsert replaces rows (false: appends versions, append-only stores)'),
          atomic_replace: z.boolean().describe('replace loads a staging table and swaps it in'),
          column_mapping: z.boolean().describe('destination_config.columns accepted'),
        })
        .optional(),
    }),
    config_schemas: z
      .object({ source: z.record(z.string(), z.unknown()).optional(), destination: z.record(z.string(), z.unknown()).optional() })
      .describe('JSON Schema of source_config / destination_config for this type'),
    casts: z.array(z.string()).nullable().describe('Casts destination_config.columns[].cast may name (destinations; null when the worker did not say)'),
    worker: z
      .object({ source: roleStatusSchema.optional(), destination: roleStatusSchema.optional() })
      .nullable()
      .describe('What the worker has configured; null when no worker answered within 5 s'),
  })
  .openapi('Connector');

const connectorsAnswerSchema = z
  .object({ connectors: z.array(connectorSchema), worker_answered: z.boolean() })
  .openapi('Connectors', {
    example: {
      worker_answered: true,
      connectors: [
        {
          type: 'POSTGRES',
          title: 'PostgreSQL',
          roles: ['source', 'destination'],
          env_prefix: 'POSTGRES',
          capabilities: { source: { query: true, incremental: true }, destination: { write_modes: ['append', 'upsert', 'replace'], upsert_in_place: true, atomic_replace: true, column_mapping: true } },
          config_schemas: { source: { type: 'object' }, destination: { type: 'object' } },
          casts: ['text', 'varchar(n)', 'bigint', 'numeric(p,s)', 'boolean', 'date', 'timestamptz', 'jsonb', 'bytea'],
          worker: { source: { configured: true, connections: ['eu'] }, destination: { configured: true, connections: [] } },
        },
      ],
    },
  });

const typeParam = z.object({
  type: z.string().min(1).max(64).openapi({ param: { name: 'type', in: 'path' }, description: 'A source connector type', example: 'SINGLESTORE' }),
});
const connectionQuery = z.string().regex(IDENTIFIER, 'connection must be a plain identifier').optional().openapi({ description: 'A named connection on the worker (default: the default one)', example: 'eu' });

const tablesQuery = z.object({
  connection: connectionQuery,
  schema: z.string().regex(IDENTIFIER, 'schema must be a plain identifier').optional().openapi({ description: 'Database (SingleStore) or schema (PostgreSQL); default: the connection\'s own (SingleStore), all (PostgreSQL)' }),
  search: z.string().min(1).max(64).optional().openapi({ description: 'Substring of the table name, any case' }),
  limit: z.coerce.number().int().min(1).max(TABLES_PAGE.max).default(TABLES_PAGE.default).openapi({ description: `Tables in the answer (default ${TABLES_PAGE.default}, at most ${TABLES_PAGE.max})` }),
});

const tablesAnswerSchema = z
  .object({
    tables: z.array(z.object({ name: z.string(), schema: z.string(), rows_estimate: z.number().nullable().describe('From the source\'s statistics: cheap, possibly off; null when it keeps none') })),
    truncated: z.boolean().describe('More tables match than `limit`: narrow with `search` or `schema`'),
  })
  .openapi('SourceTables', { example: { tables: [{ name: 'sales_data', schema: 'test', rows_estimate: 998_726 }], truncated: false } });

const columnsParams = typeParam.extend({
  table: z.string().regex(IDENTIFIER, 'table must be a plain identifier').openapi({ param: { name: 'table', in: 'path' }, example: 'sales_data' }),
});
const columnsQuery = z.object({
  destination_type: z.string().min(1).max(64).optional().openapi({ description: 'Show the type each column gets at this destination', example: 'POSTGRES' }),
  connection: connectionQuery,
});

const columnsAnswerSchema = z
  .object({
    table: z.string(),
    key: z.array(z.string()).describe('The ordering key reads page on (primary key, else a unique non-null key)'),
    key_source: z.enum(['primary', 'unique', 'user']),
    destination_type: z.string().nullable(),
    columns: z.array(
      z.object({
        name: z.string(),
        source_type: z.string(),
        nullable: z.boolean(),
        key: z.boolean(),
        destination_type: z.string().nullable().describe('As the destination spells it (null without destination_type)'),
        warnings: z.array(z.string()).describe('Lossy conversions and other fidelity notes'),
      }),
    ),
  })
  .openapi('SourceColumns', {
    example: {
      table: 'sales_data',
      key: ['id'],
      key_source: 'primary',
      destination_type: 'POSTGRES',
      columns: [
        { name: 'id', source_type: 'bigint(20) unsigned', nullable: false, key: true, destination_type: 'numeric(20,0)', warnings: [] },
        { name: 'attrs', source_type: 'longtext', nullable: true, key: false, destination_type: 'jsonb', warnings: ['column attrs becomes jsonb: whitespace and key order are normalised, duplicate keys keep the last'] },
      ],
    },
  });

const unknownSource = errorResponse('Unknown source type, or the table was not found', { error: 'table sales_dat of the SINGLESTORE source: table not found' });
const unprocessable = errorResponse('Not possible with this worker: a destination or connection it has no settings for', {
  error: 'the HYDROLIX destination is not configured on the worker',
});
const badGateway = errorResponse('The source could not be reached or failed to answer (details only in the worker log)', {
  error: 'the SINGLESTORE source cannot be reached or refused the worker\'s login',
});
const noWorker = errorResponse('No worker answered in time', { error: 'no worker answered; check that a worker is running on the task queue and try again' });

const connectorsRoute = createRoute({
  method: 'get',
  path: '/connectors',
  tags,
  summary: 'Connectors: types, roles, capabilities, config schemas, and what the worker has configured',
  description: 'Definitions come from the API itself; `worker` comes from a worker (a short workflow), or is null when none answered within 5 s.',
  responses: { 200: jsonContent(connectorsAnswerSchema, 'Every connector') },
});

const tablesRoute = createRoute({
  method: 'get',
  path: '/sources/{type}/tables',
  tags,
  summary: "A source's tables with row estimates",
  description: 'One bounded page, by name; estimates come from the source\'s statistics (information_schema.TABLES.TABLE_ROWS, pg_class.reltuples).',
  request: { params: typeParam, query: tablesQuery },
  responses: {
    200: jsonContent(tablesAnswerSchema, 'Tables'),
    400: errorResponse('Invalid parameter', { error: 'invalid catalog request', fields: [{ path: 'limit', message: 'Too big: expected number to be <=500' }] }),
    404: unknownSource,
    422: unprocessable,
    502: badGateway,
    503: noWorker,
  },
});

const columnsRoute = createRoute({
  method: 'get',
  path: '/sources/{type}/tables/{table}/columns',
  tags,
  summary: "A table's columns, and the type each gets at a destination",
  request: { params: columnsParams, query: columnsQuery },
  responses: {
    200: jsonContent(columnsAnswerSchema, 'Columns'),
    400: errorResponse('Invalid parameter', { error: 'invalid catalog request', fields: [{ path: 'destination_type', message: 'unknown destination connector "PG"; known: HYDROLIX, POSTGRES' }] }),
    404: unknownSource,
    422: unprocessable,
    502: badGateway,
    503: noWorker,
  },
});

/** JSON Schema of a request config, as zod describes it (input side: what a client sends). */
function jsonSchemaOf(schema: z.ZodType | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return { description: 'not expressible as JSON Schema' };
  }
}

function describeConnectors(worker: ConnectorStatus[] | null) {
  const byType = new Map((worker ?? []).map((w) => [w.type, w]));
  return connectorDefinitions().map((def) => {
    const w = byType.get(def.type);
    return {
      type: def.type,
      title: def.title,
      roles: [...(def.source ? (['source'] as const) : []), ...(def.destination ? (['destination'] as const) : [])],
      env_prefix: def.envPrefix,
      capabilities: {
        ...(def.source ? { source: { query: def.source.capabilities.query, incremental: def.source.capabilities.incremental } } : {}),
        ...(def.destination
          ? {
              destination: {
                write_modes: [...def.destination.capabilities.writeModes],
                upsert_in_place: def.destination.capabilities.upsertInPlace,
                atomic_replace: def.destination.capabilities.atomicReplace,
                column_mapping: def.destination.capabilities.columnMapping,
              },
            }
          : {}),
      },
      config_schemas: {
        ...(def.source ? { source: jsonSchemaOf(def.source.config) } : {}),
        ...(def.destination ? { destination: jsonSchemaOf(def.destination.config) } : {}),
      },
      casts: w?.destination ? w.destination.casts : null,
      worker: worker === null ? null : {
        ...(w?.source ? { source: { configured: w.source.configured, connections: w.source.connections } } : {}),
        ...(w?.destination ? { destination: { configured: w.destination.configured, connections: w.destination.connections } } : {}),
      },
    };
  });
}

export function catalogRouter({ client, taskQueue, service }: { client: Client; taskQueue: string; service?: SchemaService }) {
  const schema = service ?? new SchemaService(client, taskQueue);
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(connectorsRoute, async (c) => {
    const worker = await schema.workerConnectors();
    return c.json({ connectors: describeConnectors(worker), worker_answered: worker !== null }, 200);
  });

  app.openapi(
    tablesRoute,
    async (c) => {
      const { type } = c.req.valid('param');
      if (!definitionOf(type)?.source) return c.json({ error: `no source connector ${type}; known: ${sourceTypes().join(', ')}` }, 404);
      const q = c.req.valid('query');
      let page;
      try {
        page = await schema.tables({ type, connection: q.connection, schema: q.schema, search: q.search, limit: q.limit });
      } catch (e) {
        const failed = failureResponse(e);
        if (failed) return c.json(failed.body, failed.status);
        throw e;
      }
      return c.json({ tables: page.tables.map((t) => ({ name: t.name, schema: t.schema, rows_estimate: t.rowsEstimate })), truncated: page.truncated }, 200);
    },
    invalid('invalid catalog request'),
  );

  app.openapi(
    columnsRoute,
    async (c) => {
      const { type, table } = c.req.valid('param');
      if (!definitionOf(type)?.source) return c.json({ error: `no source connector ${type}; known: ${sourceTypes().join(', ')}` }, 404);
      const q = c.req.valid('query');
      if (q.destination_type !== undefined && !definitionOf(q.destination_type)?.destination) {
        const message = `unknown destination connector "${q.destination_type}"; known: ${destinationTypes().join(', ')}`;
        return c.json({ error: 'invalid catalog request', fields: [{ path: 'destination_type', message }] }, 400);
      }
      let t;
      try {
        t = await schema.columns({ type, table, connection: q.connection, destinationType: q.destination_type });
      } catch (e) {
        const failed = failureResponse(e);
        if (failed) return c.json(failed.body, failed.status);
        throw e;
      }
      return c.json(
        {
          table: t.name,
          key: t.key,
          key_source: t.keySource,
          destination_type: q.destination_type ?? null,
          columns: t.columns.map((col) => ({
            name: col.name,
            source_type: col.sourceType,
            nullable: col.nullable,
            key: col.key,
            destination_type: col.destinationType,
            warnings: col.warnings,
          })),
        },
        200,
      );
    },
    invalid('invalid catalog request'),
  );

  return app;
}
