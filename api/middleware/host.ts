/**
 * Without tokens the API trusts whoever can reach loopback. A web page can reach it too, by
 * pointing its own host name at 127.0.0.1 (DNS rebinding) — its requests then name that host.
 * So an unauthenticated API answers only requests addressed to a loopback name.
 */
import type { MiddlewareHandler } from 'hono';
import { isLoopback } from './config';

export const loopbackHostOnly: MiddlewareHandler = async (c, next) => {
  const host = new URL(c.req.url).hostname;
  if (isLoopback(host)) return next();
  return c.json({ error: 'without API_TOKENS this API answers only requests addressed to localhost, 127.0.0.1 or [::1]' }, 403);
};
