/** /api/templates: saved migrations (name, description, the POST /api/migrations body), run on demand. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { ApiEnv } from '../middleware/env';
import { MigrationsService } from '../migrations-service';
import { BODY_RESPONSES, errorResponse, idParam, invalid, jsonBody, jsonContent } from '../openapi';
import { BOUNDS, createMigrationSchema, migrationViewSchema } from '../schemas';
import { MAX_TEMPLATES, TemplateNotFound, TemplateOutdated, TemplatesService } from '../templates-service';

export const DESCRIPTION_CHARS = 1_000;

const EXAMPLE_MIGRATION = {
  name: 'Monthly Sales Migration',
  source_type: 'SINGLESTORE',
  source_config: { table: 'sales_data' },
  destination_type: 'POSTGRES',
  destination_config: { table: 'sales_history' },
  options: { parallelism: 4 },
};

const nameSchema = z.string().trim().min(1, 'name must not be empty').max(BOUNDS.nameChars);
const descriptionSchema = z.string().max(DESCRIPTION_CHARS).nullable();

/** `migration` is checked exactly as POST /api/migrations checks its body; its errors carry a `migration.` prefix. */
export const createTemplateSchema = z
  .object({
    name: nameSchema.describe("The template's own name (the migration keeps its `name`)"),
    description: descriptionSchema.optional(),
    migration: createMigrationSchema,
  })
  .strict()
  .meta({
    id: 'CreateTemplateRequest',
    example: { name: 'Sales to PostgreSQL', description: 'The monthly copy, four lanes', migration: EXAMPLE_MIGRATION },
  });

export const updateTemplateSchema = z
  .object({ name: nameSchema.optional(), description: descriptionSchema.optional(), migration: createMigrationSchema.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.description !== undefined || b.migration !== undefined, {
    message: 'give at least one of name, description, migration',
    path: ['name'],
  })
  .meta({
    id: 'UpdateTemplateRequest',
    example: { description: 'The monthly copy, eight lanes', migration: { ...EXAMPLE_MIGRATION, options: { parallelism: 8 } } },
  });

export type CreateTemplateRequest = z.infer<typeof createTemplateSchema>;
export type UpdateTemplateRequest = z.infer<typeof updateTemplateSchema>;

const EXAMPLE_TEMPLATE = {
  id: 'tmpl-0b6f3c2e-8f61-4d55-a1d4-2f7f4c1f6d10',
  name: 'Sales to PostgreSQL',
  description: 'The monthly copy, four lanes',
  migration: EXAMPLE_MIGRATION,
  created_at: '2026-01-31T09:00:00.000Z',
  updated_at: '2026-01-31T09:00:00.000Z',
};

export const templateSchema = z
  .object({
    id: z.string().describe('Also the id of the Temporal Schedule that holds it'),
    name: z.string(),
    description: z.string().nullable(),
    migration: createMigrationSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Template', example: EXAMPLE_TEMPLATE });

export const templateListSchema = z
  .object({ templates: z.array(templateSchema).describe(`By name; at most ${MAX_TEMPLATES}`) })
  .meta({ id: 'TemplateList', example: { templates: [EXAMPLE_TEMPLATE] } });

export type TemplateView = z.infer<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListSchema>;

const tags = ['Templates'];
const id = idParam(EXAMPLE_TEMPLATE.id, 'template');
const notFound = { 404: errorResponse('No template with this id', { error: 'no template with id "tmpl-…"' }) };
const invalidBody = {
  400: errorResponse('Invalid request: `fields` names each field at fault (`migration.` paths as POST /api/migrations names them)', {
    error: 'invalid template request',
    fields: [{ path: 'migration.source_config.table', message: 'give a table, a query, or both' }],
  }),
};

const createTemplateRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Save a migration as a template',
  description: 'Kept in Temporal as a paused Schedule without a spec (`tmpl-…`): it never runs by itself.',
  middleware: [jsonBody()] as const,
  request: { body: { required: true, ...jsonContent(createTemplateSchema, 'Name, description and the migration body') } },
  responses: { 201: jsonContent(templateSchema, 'Saved'), ...invalidBody, ...BODY_RESPONSES },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List templates',
  description: `By name, at most ${MAX_TEMPLATES}. Temporal lists schedules eventually consistently: a template just saved shows within about a second.`,
  responses: { 200: jsonContent(templateListSchema, 'Every template') },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One template',
  request: { params: id },
  responses: { 200: jsonContent(templateSchema, 'The template'), ...notFound },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change a template',
  description: 'Fields given replace the stored ones; `migration` is replaced whole; `description: null` removes it.',
  middleware: [jsonBody()] as const,
  request: { params: id, body: { required: true, ...jsonContent(updateTemplateSchema, 'What changes') } },
  responses: { 200: jsonContent(templateSchema, 'The changed template'), ...invalidBody, ...notFound, ...BODY_RESPONSES },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a template',
  description: 'Migrations it started keep running.',
  request: { params: id },
  responses: { 204: { description: 'Deleted' }, ...notFound },
});

const runRoute = createRoute({
  method: 'post',
  path: '/{id}/run',
  tags,
  summary: 'Start a migration from a template',
  description: 'Starts the stored body as POST /api/migrations does: a new `mig-…` migration, listed by /api/migrations. Spends from the starts budget.',
  request: { params: id },
  responses: {
    201: jsonContent(migrationViewSchema, 'Started'),
    ...notFound,
    409: errorResponse('The stored migration no longer passes the checks (e.g. a connector is gone); change it with PATCH', {
      error: "the template's migration does not pass the checks any more; change it with PATCH",
      fields: [{ path: 'migration.source_type', message: 'unknown source connector "SINGLESTORE"' }],
    }),
  },
});

export function templatesRouter({ client, taskQueue }: { client: Client; taskQueue: string }) {
  const service = new TemplatesService(client, taskQueue, new MigrationsService(client, taskQueue));
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(createTemplateRoute, async (c) => c.json(await service.create(c.req.valid('json')), 201), invalid('invalid template request'));
  app.openapi(listRoute, async (c) => c.json({ templates: await service.list() }, 200));
  app.openapi(getRoute, async (c) => c.json(await service.get(c.req.valid('param').id), 200));
  app.openapi(patchRoute, async (c) => c.json(await service.update(c.req.valid('param').id, c.req.valid('json')), 200), invalid('invalid template request'));
  app.openapi(deleteRoute, async (c) => {
    await service.delete(c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(runRoute, async (c) => c.json(await service.run(c.req.valid('param').id), 201));

  app.onError((err, c) => {
    if (err instanceof TemplateNotFound) return c.json({ error: `no template with id "${err.message}"` }, 404);
    if (err instanceof TemplateOutdated) return c.json({ error: err.message, fields: err.fields }, 409);
    throw err;
  });

  return app;
}
