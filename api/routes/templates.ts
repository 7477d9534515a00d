/** /api/templates: saved migrations (name, description, the POST /api/migrations body), run on demand. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { ApiEnv } from '../middleware/env';
import { checkMigrationRequest } from '../migration-input';
import { MigrationsService } from '../migrations-service';
import { BOUNDS, createMigrationSchema, type FieldError, fieldErrors, type Validated } from '../schemas';
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

export const createTemplateSchema = z
  .object({
    name: nameSchema.openapi({ description: 'The template\'s own name (the migration keeps its `name`)' }),
    description: descriptionSchema.optional(),
    /** Exactly the body of POST /api/migrations. */
    migration: createMigrationSchema,
  })
  .strict()
  .openapi('CreateTemplateRequest', {
    example: { name: 'Sales to PostgreSQL', description: 'The monthly copy, four lanes', migration: EXAMPLE_MIGRATION },
  });

export const updateTemplateSchema = z
  .object({ name: nameSchema.optional(), description: descriptionSchema.optional(), migration: createMigrationSchema.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.description !== undefined || b.migration !== undefined, {
    message: 'give at least one of name, description, migration',
    path: ['name'],
  })
  .openapi('UpdateTemplateRequest', { example: { description: 'The monthly copy, eight lanes', migration: { ...EXAMPLE_MIGRATION, options: { parallelism: 8 } } } });

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
    id: z.string().openapi({ description: 'Also the id of the Temporal Schedule that holds it' }),
    name: z.string(),
    description: z.string().nullable(),
    migration: createMigrationSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Template', { example: EXAMPLE_TEMPLATE });

export const templateListSchema = z.object({ templates: z.array(templateSchema) }).openapi('TemplateList', { example: { templates: [EXAMPLE_TEMPLATE] } });

export type TemplateView = z.infer<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListSchema>;

/** The migration a run started: the same view as GET /api/migrations/{id}. */
const startedMigrationSchema = z
  .looseObject({ id: z.string(), name: z.string(), status: z.string() })
  .openapi('TemplateRun', { description: 'The migration started, as GET /api/migrations/{id} shows it', example: { id: 'mig-3f1c…', name: 'Monthly Sales Migration', status: 'pending' } });

const errorSchema = z
  .object({
    error: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('TemplateError', { example: { error: 'invalid template request', fields: [{ path: 'migration.source_config.table', message: 'table must be a plain identifier' }] } });

const idParam = z.object({
  id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, example: EXAMPLE_TEMPLATE.id }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const notFound = json(errorSchema, 'No template with this id');
const badRequest = json(errorSchema, 'Invalid body: `fields` names each field (paths under `migration.` as POST /api/migrations names them)');

/** Errors of a template body: its own fields by zod, its migration exactly as POST /api/migrations checks it. */
export function validateTemplate(body: unknown, partial: boolean): Validated<CreateTemplateRequest | UpdateTemplateRequest> {
  const outer = (partial ? updateTemplateSchema : createTemplateSchema).safeParse(body);
  const errors = outer.success ? [] : fieldErrors(outer.error).filter((e) => e.path !== 'migration' && !e.path.startsWith('migration.'));
  const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).migration : undefined;
  if (raw !== undefined || !partial) {
    const nested = checkMigrationRequest(raw);
    if (!nested.ok) errors.push(...nested.errors.map((e): FieldError => ({ path: e.path === '(body)' ? 'migration' : `migration.${e.path}`, message: e.message })));
  }
  if (errors.length > 0 || !outer.success) return { ok: false, errors };
  return { ok: true, value: outer.data };
}

export function templatesRouter({ client, taskQueue }: { client: Client; taskQueue: string }) {
  const service = new TemplatesService(client, taskQueue, new MigrationsService(client, taskQueue));
  const app = new OpenAPIHono<ApiEnv>();
  const tags = ['Templates'];

  const checkBody =
    (partial: boolean) =>
    (result: { success: boolean; target: string; data?: unknown }, c: { json: (body: unknown, status: 400) => Response }) => {
      if (result.target !== 'json') return undefined;
      const checked = validateTemplate(result.data, partial);
      return checked.ok ? undefined : c.json({ error: 'invalid template request', fields: checked.errors }, 400);
    };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Save a migration as a template',
      request: { body: { required: true, ...json(createTemplateSchema, 'Name, description and the migration body') } },
      responses: { 201: json(templateSchema, 'Saved'), 400: badRequest },
    }),
    async (c) => c.json(await service.create(c.req.valid('json')), 201),
    checkBody(false) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Every template, by name',
      description: `At most ${MAX_TEMPLATES}. Temporal lists schedules eventually consistently: a template just saved shows within about a second.`,
      responses: { 200: json(templateListSchema, 'The templates') },
    }),
    async (c) => c.json({ templates: await service.list() }, 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{id}', tags, summary: 'One template', request: { params: idParam }, responses: { 200: json(templateSchema, 'The template'), 404: notFound } }),
    async (c) => c.json(await service.get(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Change a template',
      description: 'Fields given replace the stored ones; `migration` is replaced whole. `description: null` removes it.',
      request: { params: idParam, body: { required: true, ...json(updateTemplateSchema, 'What changes') } },
      responses: { 200: json(templateSchema, 'The changed template'), 400: badRequest, 404: notFound },
    }),
    async (c) => c.json(await service.update(c.req.valid('param').id, c.req.valid('json')), 200),
    checkBody(true) as never,
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a template',
      description: 'Migrations it started keep running.',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
    }),
    async (c) => {
      await service.delete(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/run',
      tags,
      summary: 'Start a migration from a template',
      description: 'Starts the stored body as POST /api/migrations does: a new `mig-…` migration, listed by /api/migrations.',
      request: { params: idParam },
      responses: {
        201: json(startedMigrationSchema, 'Started'),
        404: notFound,
        409: json(errorSchema, 'The stored migration no longer passes the checks (e.g. a connector is gone); change it with PATCH'),
      },
    }),
    async (c) => c.json(await service.run(c.req.valid('param').id), 201),
  );

  app.onError((err, c) => {
    if (err instanceof TemplateNotFound) return c.json({ error: `no template with id "${err.message}"` }, 404);
    if (err instanceof TemplateOutdated) return c.json({ error: err.message, fields: err.fields }, 409);
    if (err instanceof HTTPException && err.status === 400) return c.json({ error: 'malformed JSON body', fields: [] }, 400);
    throw err;
  });

  return app;
}
