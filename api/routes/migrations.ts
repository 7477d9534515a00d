/** /api/migrations: start, list, inspect, cancel and retry migrations. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../middleware/env';
import { toMigrationInput } from '../migration-input';
import { MigrationBadRequest, MigrationConflict, MigrationNotFound, type MigrationsService, MigrationUnavailable } from '../migrations-service';
import { BODY_RESPONSES, errorResponse, idParam, invalid, jsonBody, jsonContent } from '../openapi';
import { createMigrationSchema, LIST_PAGE_SIZE, listMigrationsQuerySchema, migrationListSchema, migrationViewSchema } from '../schemas';

const tags = ['Migrations'];
const id = idParam('mig-2f7c9a0e-4b1d-4c8e-9f3a-6d5e4c3b2a10', 'migration');
const notFound = { 404: errorResponse('No migration with this id', { error: 'no migration with id "mig-…"' }) };

const startRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Start a migration',
  description:
    'Checks the whole request first (shape, each config against its connector, the source query) and starts nothing on a 400. ' +
    'Spends from the starts budget (RATE_LIMIT_STARTS_PER_MIN) as well.',
  middleware: [jsonBody()] as const,
  request: { body: { required: true, ...jsonContent(createMigrationSchema, 'The migration') } },
  responses: {
    201: jsonContent(migrationViewSchema, 'Started (status pending)'),
    400: errorResponse('Invalid request: `fields` names each field at fault', {
      error: 'invalid migration request',
      fields: [{ path: 'source_config.query', message: 'source_config.query must be a single statement (found a ";" inside it)' }],
    }),
    ...BODY_RESPONSES,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List migrations',
  description: `Newest first, one entry per migration (its latest run), ${LIST_PAGE_SIZE.default} a page unless page_size says otherwise.`,
  request: { query: listMigrationsQuerySchema },
  responses: {
    200: jsonContent(migrationListSchema, 'A page of migrations'),
    400: errorResponse('Invalid parameter, or a filter this Temporal cannot answer (search attributes not registered)', {
      error: 'invalid list parameters',
      fields: [{ path: 'status', message: 'status must be one of pending, running, completed, failed, cancelled' }],
    }),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One migration',
  description: 'A finished migration answers from its stored result; a running one from what it publishes as it goes.',
  request: { params: id },
  responses: { 200: jsonContent(migrationViewSchema, 'The migration'), ...notFound },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  tags,
  summary: 'Cancel a migration',
  description: 'Asks the run to stop; chunks in flight finish or are abandoned, and the status becomes cancelled.',
  request: { params: id },
  responses: {
    202: jsonContent(migrationViewSchema.extend({ cancel_requested: z.literal(true) }), 'Cancellation requested'),
    ...notFound,
    409: jsonContent(
      z.object({ error: z.string(), migration: migrationViewSchema }),
      'Already finished: nothing to cancel',
    ),
  },
});

const retryRoute = createRoute({
  method: 'post',
  path: '/{id}/retry',
  tags,
  summary: 'Retry a failed or cancelled migration',
  description: 'A new run of the same migration that keeps the chunks already copied. Spends from the starts budget.',
  request: { params: id },
  responses: {
    202: jsonContent(migrationViewSchema, 'Retry started'),
    ...notFound,
    409: errorResponse('Not failed or cancelled (e.g. still running)', { error: 'migration is running; only failed or cancelled migrations can be retried' }),
    503: errorResponse('No worker answered for the last run\'s state; try again', { error: 'no worker answered; try again shortly' }),
  },
});

export function migrationsRouter(service: MigrationsService) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    startRoute,
    async (c) => {
      const input = toMigrationInput(c.req.valid('json'), service.newId(), new Date().toISOString());
      return c.json(await service.start(input), 201);
    },
    invalid('invalid migration request'),
  );

  app.openapi(
    listRoute,
    async (c) => {
      const q = c.req.valid('query');
      const page = await service.list({
        pageSize: q.page_size,
        pageToken: q.page_token,
        filter: { statuses: q.status, sourceType: q.source_type, destinationType: q.destination_type, name: q.name, scheduleId: q.schedule_id },
      });
      return c.json(page, 200);
    },
    invalid('invalid list parameters'),
  );

  app.openapi(getRoute, async (c) => c.json(await service.get(c.req.valid('param').id), 200));

  app.openapi(cancelRoute, async (c) => {
    const before = await service.cancel(c.req.valid('param').id);
    if (before.status !== 'running' && before.status !== 'pending') {
      return c.json({ error: `migration is already ${before.status}`, migration: before }, 409);
    }
    return c.json({ ...before, cancel_requested: true as const }, 202);
  });

  app.openapi(retryRoute, async (c) => c.json(await service.retry(c.req.valid('param').id), 202));

  app.onError((err, c) => {
    if (err instanceof MigrationNotFound) return c.json({ error: `no migration with id "${err.message}"` }, 404);
    if (err instanceof MigrationConflict) return c.json({ error: err.message }, 409);
    if (err instanceof MigrationUnavailable) return c.json({ error: err.message }, 503);
    if (err instanceof MigrationBadRequest) return c.json({ error: err.message, fields: [{ path: err.path, message: err.message }] }, 400);
    throw err;
  });

  return app;
}
