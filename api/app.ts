/**
 * The HTTP API: small routers composed on one OpenAPIHono app, behind the middleware in
 * api/middleware/. Every route is declared with its zod schemas, which both validate requests and
 * make the OpenAPI document at /openapi.json (interactive at /docs).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client, Connection } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { dashboardRoutes } from './dashboard';
import { docsRoutes } from './docs';
import { authenticate, authorize } from './middleware/auth';
import { limitBody } from './middleware/body-limit';
import { loopbackHostOnly } from './middleware/host';
import { OPEN, type SecurityConfig } from './middleware/config';
import { requireJson } from './middleware/content-type';
import { cors } from './middleware/cors';
import type { ApiEnv } from './middleware/env';
import { httpMetrics } from './middleware/metrics';
import { rateLimit } from './middleware/rate-limit';
import { internalError, requestId } from './middleware/request-id';
import { catalogRouter } from './routes/catalog';
import { migrationsRouter } from './routes/migrations';
import { MigrationsService } from './migrations-service';
import { openApiDocument, registerDocumentComponents } from './openapi-document';
import { invalid, jsonContent } from './openapi';
import { planRouter } from './routes/plan';
import { schedulesRouter } from './routes/schedules';
import { templatesRouter } from './routes/templates';
import { SchedulesService } from './schedules-service';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Routes that start migrations: they also spend from the smaller starts budget. */
const STARTS = [
  '/api/migrations',
  '/api/migrations/:id/retry',
  '/api/schedules/:id/trigger',
  '/api/schedules/:id/backfill',
  '/api/templates/:id/run',
];

export interface AppDeps {
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** From securityFromEnv(process.env) in api/main.ts; absent = open, no limits (tests, in-process tools). */
  security?: SecurityConfig;
  /** The built dashboard served at / (default dashboard/dist of this checkout). */
  dashboardDir?: string;
}

const tags = ['Service'];

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags,
  summary: 'Liveness and Temporal reachability',
  description: 'Open (no token): load balancers and compose health checks carry none.',
  responses: {
    200: jsonContent(z.object({ ok: z.literal(true), temporal: z.literal('reachable') }), 'Temporal answers', { ok: true, temporal: 'reachable' }),
    503: jsonContent(z.object({ ok: z.literal(false), temporal: z.literal('unreachable') }), 'Temporal does not answer', { ok: false, temporal: 'unreachable' }),
  },
});

const documentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags,
  summary: 'This OpenAPI 3.1 document',
  description: 'Open (no token): it describes the API and holds no data.',
  responses: { 200: jsonContent(z.looseObject({ openapi: z.literal('3.1.0') }), 'The document') },
});

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

/** Routes served by plain Hono sub-apps (files, not JSON): documented here so the document lists every route. */
function documentFileRoutes(app: OpenAPIHono<ApiEnv>): void {
  const file = (path: string, summary: string, type: string, params?: z.ZodObject) =>
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      tags,
      summary,
      ...(params ? { request: { params } } : {}),
      responses: { 200: { description: summary, content: { [type]: { schema: z.string() } } }, 404: { description: 'No such file' } },
    });
  app.openAPIRegistry.registerPath({ method: 'get', path: '/docs', tags, summary: 'Interactive API docs (Swagger UI, served locally)', responses: { 200: html('The docs page') } });
  file('/docs/init.js', 'The docs page\'s start script', 'text/javascript');
  file('/docs/assets/{file}', 'Swagger UI files (from the swagger-ui-dist package)', 'application/octet-stream', z.object({ file: z.string().openapi({ param: { name: 'file', in: 'path' }, example: 'swagger-ui.css' }) }));
  app.openAPIRegistry.registerPath({ method: 'get', path: '/', tags, summary: 'The dashboard', responses: { 200: html('The dashboard app'), 503: html('Not built: run npm run build') } });
  file('/{path}', 'Dashboard files; other paths without an extension get the dashboard app', 'text/html', z.object({ path: z.string().openapi({ param: { name: 'path', in: 'path' }, example: 'migrations' }) }));
}

export function createApp({ client, connection, taskQueue, security = OPEN, dashboardDir }: AppDeps) {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: invalid('invalid request') });
  const service = new MigrationsService(client, taskQueue);

  app.use(httpMetrics);
  app.use(requestId);
  if (security.loopbackHostOnly) app.use(loopbackHostOnly);
  app.use(cors(security.corsOrigins));
  app.use(authenticate(security));
  // Before authorize(): failed attempts count against the caller's address.
  app.use(rateLimit(security.ratePerMin, 'requests'));
  // /healthz, /openapi.json and /docs stay open: they hold no data (and health checks carry no token).
  app.use('/api/*', authorize(security));
  const starts = rateLimit(security.startsPerMin, 'migration starts');
  for (const path of STARTS) app.post(path, starts);
  app.use('/api/*', requireJson);
  app.use('/api/*', limitBody(MAX_BODY_BYTES));

  registerDocumentComponents(app);
  // Before the migrations router, so `plan` is not taken for a migration id.
  app.route('/api/migrations/plan', planRouter({ client, taskQueue }));
  app.route('/api/migrations', migrationsRouter(service));
  app.route('/api/schedules', schedulesRouter(new SchedulesService(client, taskQueue, service)));
  app.route('/api/templates', templatesRouter({ client, taskQueue }));
  app.route('/api', catalogRouter({ client, taskQueue }));

  app.openapi(healthRoute, async (c) => {
    try {
      await connection.healthService.check({});
      return c.json({ ok: true as const, temporal: 'reachable' as const }, 200);
    } catch (err) {
      console.error(`healthz request_id=${c.get('requestId')}: Temporal unreachable:`, (err as Error).message);
      return c.json({ ok: false as const, temporal: 'unreachable' as const }, 503);
    }
  });

  const document = openApiDocument(app);
  app.openapi(documentRoute, (c) => c.json(document() as never, 200));
  app.route('/', docsRoutes());
  documentFileRoutes(app);
  // Last: its catch-all serves the dashboard app for any other GET outside /api.
  app.route('/', dashboardRoutes(dashboardDir ? { dir: dashboardDir } : {}));

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    // The validators' own refusals (e.g. a media type no route declares) keep their status.
    if (err instanceof HTTPException && err.status < 500) return c.json({ error: err.message }, err.status);
    return internalError(err, c);
  });
  return app;
}
