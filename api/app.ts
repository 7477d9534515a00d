/** The HTTP API: small routers composed on one Hono app, behind the middleware in api/middleware/. */
import type { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { authenticate, authorize } from './middleware/auth';
import { limitBody } from './middleware/body-limit';
import { loopbackHostOnly } from './middleware/host';
import { OPEN, type SecurityConfig } from './middleware/config';
import { requireJson } from './middleware/content-type';
import { cors } from './middleware/cors';
import type { ApiEnv } from './middleware/env';
import { rateLimit } from './middleware/rate-limit';
import { internalError, requestId } from './middleware/request-id';
import { migrationsRouter } from './routes/migrations';
import { MigrationsService } from './migrations-service';
import { schedulesRouter } from './routes/schedules';
import { SchedulesService } from './schedules-service';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Routes that start migrations: they also spend from the smaller starts budget. */
const STARTS = ['/api/migrations', '/api/migrations/:id/retry', '/api/schedules/:id/trigger', '/api/schedules/:id/backfill'];

export interface AppDeps {
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** From securityFromEnv(process.env) in api/main.ts; absent = open, no limits (tests, in-process tools). */
  security?: SecurityConfig;
}

export function createApp({ client, connection, taskQueue, security = OPEN }: AppDeps) {
  const app = new Hono<ApiEnv>();
  const service = new MigrationsService(client, taskQueue);

  app.use(requestId);
  if (security.loopbackHostOnly) app.use(loopbackHostOnly);
  app.use(cors(security.corsOrigins));
  app.use(authenticate(security));
  // Before authorize(): failed attempts count against the caller's address.
  app.use(rateLimit(security.ratePerMin, 'requests'));
  // /healthz stays open (load balancers and compose health checks carry no token).
  app.use('/api/*', authorize(security));
  const starts = rateLimit(security.startsPerMin, 'migration starts');
  for (const path of STARTS) app.post(path, starts);
  app.use('/api/*', requireJson);
  app.use('/api/*', limitBody(MAX_BODY_BYTES));

  app.route('/api/migrations', migrationsRouter(service));
  app.route('/api/schedules', schedulesRouter(new SchedulesService(client, taskQueue, service)));

  app.get('/healthz', async (c) => {
    try {
      await connection.healthService.check({});
      return c.json({ ok: true, temporal: 'reachable' });
    } catch (err) {
      console.error(`healthz request_id=${c.get('requestId')}: Temporal unreachable:`, (err as Error).message);
      return c.json({ ok: false, temporal: 'unreachable' }, 503);
    }
  });

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError(internalError);
  return app;
}
