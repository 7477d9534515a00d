/** The HTTP API: small routers composed on one Hono app. */
import type { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { migrationsRouter } from './routes/migrations';
import { MigrationsService } from './migrations-service';
import { schedulesRouter } from './routes/schedules';
import { SchedulesService } from './schedules-service';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  client: Client;
  connection: Connection;
  taskQueue: string;
}

export function createApp({ client, connection, taskQueue }: AppDeps) {
  const app = new Hono();
  const service = new MigrationsService(client, taskQueue);

  app.use(
    '/api/*',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: `request body larger than ${MAX_BODY_BYTES} bytes` }, 413) }),
  );
  app.route('/api/migrations', migrationsRouter(service));
  app.route('/api/schedules', schedulesRouter(new SchedulesService(client, taskQueue, service)));

  app.get('/healthz', async (c) => {
    try {
      await connection.healthService.check({});
      return c.json({ ok: true, temporal: 'reachable' });
    } catch (err) {
      return c.json({ ok: false, temporal: 'unreachable', error: (err as Error).message }, 503);
    }
  });

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    console.error('api error:', err);
    return c.json({ error: 'internal error', detail: err.message }, 500);
  });
  return app;
}
