/**
 * POST /api/migrations/plan: the dry run of a migration. Same body as POST /api/migrations; a
 * worker answers (activities/plan.ts) with what setup would do, from the same functions setup
 * uses, and nothing is written anywhere: no table, no row, no workflow left running.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { MigrationPlan } from '../../activities/plan';
import { failureResponse, SchemaService } from '../catalog-service';
import type { ApiEnv } from '../middleware/env';
import { toMigrationInput } from '../migration-input';
import { BODY_RESPONSES, errorResponse, invalid, jsonBody, jsonContent } from '../openapi';
import { createMigrationSchema } from '../schemas';

const keyTuple = z.array(z.union([z.string(), z.number()]));

export const migrationPlanSchema = z
  .object({
    source: z.object({ type: z.string(), server: z.string(), table: z.string().nullable(), query: z.boolean(), key: z.array(z.string()) }),
    destination: z.object({
      type: z.string(),
      server: z.string(),
      target: z.string(),
      status: z.enum(['create', 'exists, compatible', 'exists, mismatch']),
      ddl: z.array(z.string()).describe('What setup would run: SQL statements (PostgreSQL) or Config API requests (Hydrolix); `--` lines say what happens later in the run'),
      mismatches: z.array(z.string()).describe('Why an existing table cannot take the rows (the run would fail at creating_table)'),
    }),
    columns: z.array(
      z.object({
        source_name: z.string(),
        source_type: z.string(),
        destination_name: z.string().nullable().describe('null: skipped'),
        destination_type: z.string().nullable(),
        cast: z.string().nullable(),
        skipped: z.boolean(),
        key: z.boolean(),
        warnings: z.array(z.string()).describe('Lossy conversions and other fidelity notes for this column'),
      }),
    ),
    rows_estimate: z.number().nullable(),
    rows_from: z.enum(['statistics', 'count']).describe('statistics: the source\'s estimate (quick, may be off); count: counted (a query or an incremental window has no statistics)'),
    chunks: z.object({
      count: z.number().int(),
      chunk_rows: z.number().int(),
      parallelism: z.number().int(),
      ranges: z.array(z.object({ after: keyTuple.nullable(), up_to: keyTuple.nullable() })).nullable().describe('Key range of each chunk, (after, up_to]; null when the run picks boundaries by walking the key'),
      note: z.string().nullable(),
    }),
    copy_path: z.enum(['packed', 'rows']).describe('packed: rows move as the source sends them (no value decoded in the worker); rows: decoded and re-encoded'),
    incremental: z.object({ cursor_column: z.string(), from: z.union([z.string(), z.number()]).nullable(), up_to: z.union([z.string(), z.number()]).nullable() }).nullable(),
    warnings: z.array(z.string()).describe('The warnings the run would start with'),
  })
  .openapi('MigrationPlan', {
    example: {
      source: { type: 'SINGLESTORE', server: 'MariaDB 10.11.14', table: 'sales_data', query: false, key: ['id'] },
      destination: {
        type: 'POSTGRES',
        server: 'PostgreSQL 16.10',
        target: 'public.sales_history',
        status: 'create',
        ddl: [
          'CREATE TABLE "public"."sales_history" (\n  "id" numeric(20,0) NOT NULL,\n  "product" character varying(100) NOT NULL,\n  "amount" text NOT NULL\n)',
          `COMMENT ON TABLE "public"."sales_history" IS 'epic-shelter: primary key ("id") pending'`,
          '-- after the copy: ALTER TABLE "public"."sales_history" ADD PRIMARY KEY ("id")',
        ],
        mismatches: [],
      },
      columns: [
        { source_name: 'id', source_type: 'bigint(20) unsigned', destination_name: 'id', destination_type: 'numeric(20,0)', cast: null, skipped: false, key: true, warnings: [] },
        { source_name: 'product', source_type: 'varchar(100)', destination_name: 'product', destination_type: 'character varying(100)', cast: null, skipped: false, key: false, warnings: [] },
        { source_name: 'amount', source_type: 'decimal(10,2)', destination_name: 'amount', destination_type: 'text', cast: 'text', skipped: false, key: false, warnings: [] },
        { source_name: 'notes', source_type: 'text', destination_name: null, destination_type: null, cast: null, skipped: true, key: false, warnings: [] },
      ],
      rows_estimate: 1_000_000,
      rows_from: 'statistics',
      chunks: { count: 2, chunk_rows: 500_000, parallelism: 2, ranges: [{ after: null, up_to: [500000] }, { after: [500000], up_to: null }], note: null },
      copy_path: 'packed',
      incremental: null,
      warnings: [],
    },
  });

const planRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['Migrations'],
  summary: 'Plan a migration without running it (dry run)',
  description:
    'Takes the body of POST /api/migrations and answers what the run would do: the destination DDL (or whether an existing table fits), ' +
    'every column\'s mapping with lossy-conversion warnings, the chunk plan from the source\'s statistics, a row estimate and the warnings. ' +
    'A worker answers (it alone holds the connection settings); nothing is written at either end.',
  middleware: [jsonBody()] as const,
  request: { body: { required: true, ...jsonContent(createMigrationSchema, 'The migration, as POST /api/migrations takes it') } },
  responses: {
    200: jsonContent(migrationPlanSchema, 'The plan'),
    400: errorResponse('Invalid request: `fields` names each field at fault', {
      error: 'invalid migration request',
      fields: [{ path: 'destination_config.table', message: 'Invalid input: expected string, received undefined' }],
    }),
    404: errorResponse('The source table does not exist', { error: 'migration plan (SINGLESTORE → POSTGRES): table not found' }),
    422: errorResponse('The request is well-formed but cannot run: a column mapping mistake (the field names the column), a cursor that is not a column, a connection the worker lacks', {
      error: 'destination_config.columns.name: name (varchar(30)) cannot be cast to integer: text values are not all integers',
      fields: [{ path: 'destination_config.columns.name', message: 'destination_config.columns.name: name (varchar(30)) cannot be cast to integer: text values are not all integers' }],
    }),
    502: errorResponse('A source or destination could not be reached or failed to answer (details only in the worker log)', {
      error: 'migration plan (SINGLESTORE → POSTGRES) cannot be reached or refused the worker\'s login',
    }),
    503: errorResponse('No worker answered in time', { error: 'no worker answered; check that a worker is running on the task queue and try again' }),
    ...BODY_RESPONSES,
  },
});

/** The plan as JSON (snake_case). */
export function planView(p: MigrationPlan): z.infer<typeof migrationPlanSchema> {
  return {
    source: p.source,
    destination: p.destination,
    columns: p.columns.map((c) => ({
      source_name: c.sourceName,
      source_type: c.sourceType,
      destination_name: c.destinationName,
      destination_type: c.destinationType,
      cast: c.cast,
      skipped: c.skipped,
      key: c.key,
      warnings: c.warnings,
    })),
    rows_estimate: p.rowsEstimate,
    rows_from: p.rowsFrom,
    chunks: {
      count: p.chunks.count,
      chunk_rows: p.chunks.chunkRows,
      parallelism: p.chunks.parallelism,
      ranges: p.chunks.ranges?.map((r) => ({ after: r.after, up_to: r.upTo })) ?? null,
      note: p.chunks.note,
    },
    copy_path: p.copyPath,
    incremental: p.incremental ? { cursor_column: p.incremental.cursorColumn, from: p.incremental.from, up_to: p.incremental.upTo } : null,
    warnings: p.warnings,
  };
}

export function planRouter({ client, taskQueue, service }: { client: Client; taskQueue: string; service?: SchemaService }) {
  const schema = service ?? new SchemaService(client, taskQueue);
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    planRoute,
    async (c) => {
      // A plan id of its own: a replace run's staging table is named after it (the real run's differs).
      const input = toMigrationInput(c.req.valid('json'), `plan-${randomUUID()}`, new Date().toISOString());
      try {
        return c.json(planView(await schema.plan(input)), 200);
      } catch (e) {
        const failed = failureResponse(e);
        if (failed) return c.json(failed.body, failed.status);
        throw e;
      }
    },
    invalid('invalid migration request'),
  );

  return app;
}
