/** /api/migrations: start, list, inspect and cancel migrations. */
import { Hono } from 'hono';
import { checkMigrationRequest, toMigrationInput } from '../migration-input';
import { MigrationBadRequest, MigrationConflict, MigrationNotFound, type MigrationsService, MigrationUnavailable } from '../migrations-service';
import { fieldErrors, listMigrationsQuerySchema } from '../schemas';
import { readJson } from '../read-json';

export function migrationsRouter(service: MigrationsService) {
  const app = new Hono();

  app.post('/', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return c.json({ error: body.error, fields: [] }, 400);
    const checked = checkMigrationRequest(body.value);
    if (!checked.ok) return c.json({ error: 'invalid migration request', fields: checked.errors }, 400);
    const input = toMigrationInput(checked.value, service.newId(), new Date().toISOString());
    const view = await service.start(input);
    return c.json(view, 201);
  });

  app.get('/', async (c) => {
    const parsed = listMigrationsQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: 'invalid list parameters', fields: fieldErrors(parsed.error) }, 400);
    const q = parsed.data;
    const page = await service.list({
      pageSize: q.page_size,
      pageToken: q.page_token,
      filter: { statuses: q.status, sourceType: q.source_type, destinationType: q.destination_type, name: q.name, scheduleId: q.schedule_id },
    });
    return c.json(page);
  });

  app.get('/:id', async (c) => c.json(await service.get(c.req.param('id'))));

  app.post('/:id/cancel', async (c) => {
    const before = await service.cancel(c.req.param('id'));
    if (before.status !== 'running' && before.status !== 'pending') {
      return c.json({ error: `migration is already ${before.status}`, migration: before }, 409);
    }
    return c.json({ ...before, cancel_requested: true }, 202);
  });

  app.post('/:id/retry', async (c) => c.json(await service.retry(c.req.param('id')), 202));

  app.onError((err, c) => {
    if (err instanceof MigrationNotFound) return c.json({ error: `no migration with id "${err.message}"` }, 404);
    if (err instanceof MigrationConflict) return c.json({ error: err.message }, 409);
    if (err instanceof MigrationUnavailable) return c.json({ error: err.message }, 503);
    if (err instanceof MigrationBadRequest) return c.json({ error: err.message, fields: [{ path: err.path, message: err.message }] }, 400);
    throw err;
  });

  return app;
}
