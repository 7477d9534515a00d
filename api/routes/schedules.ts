/** /api/schedules: recurring migrations (Temporal Schedules) — create, inspect, pause, trigger, backfill, change, delete. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../middleware/env';
import { BODY_RESPONSES, errorResponse, idParam, invalid, jsonBody, jsonContent } from '../openapi';
import {
  backfillSchema,
  createScheduleSchema,
  noteSchema,
  patchScheduleSchema,
  scheduleListSchema,
  scheduleViewSchema,
} from '../schedule-schemas';
import { ScheduleNotFound, ScheduleRejected, type SchedulesService } from '../schedules-service';

const tags = ['Schedules'];
const id = idParam('sched-5e1f3a2b-7c4d-4e9f-8a6b-0c1d2e3f4a5b', 'schedule');
const notFound = { 404: errorResponse('No schedule with this id', { error: 'no schedule with id "sched-…"' }) };
const invalidBody = (what: string, path: string, message: string) => ({
  400: errorResponse('Invalid request: `fields` names each field at fault (`migration.` paths as POST /api/migrations names them)', {
    error: what,
    fields: [{ path, message }],
  }),
});

const createRouteDef = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a schedule',
  description: 'Runs the migration on the spec (cron, interval, calendars; at most once a minute).',
  middleware: [jsonBody()] as const,
  request: { body: { required: true, ...jsonContent(createScheduleSchema, 'The schedule') } },
  responses: {
    201: jsonContent(scheduleViewSchema, 'Created'),
    ...invalidBody('invalid schedule request', 'spec.interval', 'interval must be between 1m and 366d'),
    ...BODY_RESPONSES,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List schedules',
  responses: { 200: jsonContent(scheduleListSchema, 'Every Epic Shelter schedule') },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One schedule',
  request: { params: id },
  responses: { 200: jsonContent(scheduleViewSchema, 'The schedule'), ...notFound },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change a schedule',
  description: 'Fields given replace the stored ones; `migration` and `spec` are replaced whole. A rejected change changes nothing.',
  middleware: [jsonBody()] as const,
  request: { params: id, body: { required: true, ...jsonContent(patchScheduleSchema, 'What changes') } },
  responses: {
    200: jsonContent(scheduleViewSchema, 'The changed schedule'),
    ...invalidBody('invalid schedule request', 'spec.cron', 'cron "every day": expected 5 fields'),
    ...notFound,
    ...BODY_RESPONSES,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a schedule',
  description: 'Runs it started keep running.',
  request: { params: id },
  responses: { 204: { description: 'Deleted' }, ...notFound },
});

const noteRoute = (action: 'pause' | 'unpause') =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags,
    summary: action === 'pause' ? 'Pause a schedule' : 'Resume a paused schedule',
    middleware: [jsonBody(true)] as const,
    request: { params: id, body: { required: false, ...jsonContent(noteSchema, 'Optional note; an empty body is fine') } },
    responses: {
      200: jsonContent(scheduleViewSchema, action === 'pause' ? 'Paused' : 'Resumed'),
      ...invalidBody('invalid request', 'note', 'Too big: expected string to have <=1000 characters'),
      ...notFound,
      ...BODY_RESPONSES,
    },
  });

const triggerRoute = createRoute({
  method: 'post',
  path: '/{id}/trigger',
  tags,
  summary: 'Run a schedule now',
  description: 'Starts one run now (overlap policy applies). Spends from the starts budget.',
  request: { params: id },
  responses: { 202: jsonContent(scheduleViewSchema, 'Run requested'), ...notFound },
});

const backfillRoute = createRoute({
  method: 'post',
  path: '/{id}/backfill',
  tags,
  summary: 'Run the times a range held',
  description: 'Starts a run for every time the spec matched in [start, end] (at most 366 days). Spends from the starts budget.',
  middleware: [jsonBody()] as const,
  request: { params: id, body: { required: true, ...jsonContent(backfillSchema, 'The range') } },
  responses: {
    202: jsonContent(scheduleViewSchema, 'Backfill requested'),
    ...invalidBody('invalid backfill request', 'end', 'end must be after start'),
    ...notFound,
    ...BODY_RESPONSES,
  },
});

export function schedulesRouter(service: SchedulesService) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(createRouteDef, async (c) => c.json(await service.create(c.req.valid('json')), 201), invalid('invalid schedule request'));

  app.openapi(listRoute, async (c) => c.json({ schedules: await service.list() }, 200));

  app.openapi(getRoute, async (c) => c.json(await service.get(c.req.valid('param').id), 200));

  app.openapi(
    patchRoute,
    async (c) => c.json(await service.update(c.req.valid('param').id, c.req.valid('json')), 200),
    invalid('invalid schedule request'),
  );

  app.openapi(deleteRoute, async (c) => {
    await service.delete(c.req.valid('param').id);
    return c.body(null, 204);
  });

  for (const action of ['pause', 'unpause'] as const) {
    app.openapi(
      noteRoute(action),
      async (c) => c.json(await service[action](c.req.valid('param').id, c.req.valid('json').note), 200),
      invalid('invalid request'),
    );
  }

  app.openapi(triggerRoute, async (c) => c.json(await service.trigger(c.req.valid('param').id), 202));

  app.openapi(
    backfillRoute,
    async (c) => c.json(await service.backfill(c.req.valid('param').id, c.req.valid('json')), 202),
    invalid('invalid backfill request'),
  );

  app.onError((err, c) => {
    if (err instanceof ScheduleNotFound) return c.json({ error: `no schedule with id "${err.message}"` }, 404);
    if (err instanceof ScheduleRejected) return c.json({ error: 'invalid schedule request', fields: err.fields }, 400);
    throw err;
  });

  return app;
}
