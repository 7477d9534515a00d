/** /api/schedules: recurring migrations (Temporal Schedules) — create, inspect, pause, trigger, backfill, change, delete. */
import { type Context, Hono } from 'hono';
import { readJson } from '../read-json';
import { validateBackfill, validateCreateSchedule, validateNote, validatePatchSchedule } from '../schedule-schemas';
import { ScheduleNotFound, ScheduleRejected, type SchedulesService } from '../schedules-service';

/** An optional JSON body (pause/unpause take `{note}`): empty is fine, malformed is not. */
async function optionalJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const length = c.req.header('content-length');
  if (!c.req.header('content-type') && (length === undefined || length === '0')) return { ok: true, value: {} };
  return readJson(c);
}

export function schedulesRouter(service: SchedulesService) {
  const app = new Hono();

  app.post('/', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return c.json({ error: body.error, fields: [] }, 400);
    const checked = validateCreateSchedule(body.value);
    if (!checked.ok) return c.json({ error: 'invalid schedule request', fields: checked.errors }, 400);
    return c.json(await service.create(checked.value), 201);
  });

  app.get('/', async (c) => c.json({ schedules: await service.list() }));

  app.get('/:id', async (c) => c.json(await service.get(c.req.param('id'))));

  app.patch('/:id', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return c.json({ error: body.error, fields: [] }, 400);
    const checked = validatePatchSchedule(body.value);
    if (!checked.ok) return c.json({ error: 'invalid schedule request', fields: checked.errors }, 400);
    return c.json(await service.update(c.req.param('id'), checked.value));
  });

  app.delete('/:id', async (c) => {
    await service.delete(c.req.param('id'));
    return c.body(null, 204);
  });

  for (const action of ['pause', 'unpause'] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const body = await optionalJson(c);
      if (!body.ok) return c.json({ error: body.error, fields: [] }, 400);
      const checked = validateNote(body.value);
      if (!checked.ok) return c.json({ error: 'invalid request', fields: checked.errors }, 400);
      return c.json(await service[action](c.req.param('id'), checked.value.note));
    });
  }

  app.post('/:id/trigger', async (c) => c.json(await service.trigger(c.req.param('id')), 202));

  app.post('/:id/backfill', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return c.json({ error: body.error, fields: [] }, 400);
    const checked = validateBackfill(body.value);
    if (!checked.ok) return c.json({ error: 'invalid backfill request', fields: checked.errors }, 400);
    return c.json(await service.backfill(c.req.param('id'), checked.value), 202);
  });

  app.onError((err, c) => {
    if (err instanceof ScheduleNotFound) return c.json({ error: `no schedule with id "${err.message}"` }, 404);
    if (err instanceof ScheduleRejected) return c.json({ error: 'invalid schedule request', fields: err.fields }, 400);
    throw err;
  });

  return app;
}
