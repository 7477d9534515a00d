/** Every response carries an x-request-id; a 500 shows only that id, and the log line holds the detail. */
import { randomUUID } from 'node:crypto';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env';

/** Always our own id: a client-chosen one could be made to collide with, or forge, another request's log line. */
export const requestId: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const id = randomUUID();
  c.set('requestId', id);
  c.header('x-request-id', id);
  await next();
  c.res.headers.set('x-request-id', id);
};

export const idOf = (c: Context<ApiEnv>) => c.get('requestId') ?? randomUUID();

/** Unhandled errors: the detail goes to the log under the request id, the client gets the id only. */
export const internalError: ErrorHandler<ApiEnv> = (err, c) => {
  const id = idOf(c);
  console.error(`api error request_id=${id} ${c.req.method} ${c.req.path}:`, err);
  c.header('x-request-id', id);
  return c.json({ error: 'internal error', request_id: id }, 500);
};
