/**
 * CORS from an allow-list (CORS_ORIGINS). Browsers may read answers only for listed origins;
 * credentials (cookies) are never allowed: the API authenticates with a bearer header, which
 * a page must send itself. Writes from a browser page on another, unlisted origin are refused
 * outright, since a request the browser sends without a preflight would still run.
 */
import type { MiddlewareHandler } from 'hono';

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type';
const EXPOSE_HEADERS = 'x-request-id, Retry-After, WWW-Authenticate';
const PREFLIGHT_MAX_AGE_S = '600';

export function cors(origins: string[]): MiddlewareHandler {
  const any = origins.includes('*');
  const listed = new Set(origins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    const sameOrigin = origin === new URL(c.req.url).origin;
    const allowed = any || listed.has(origin);
    if (origins.length > 0) c.header('Vary', 'Origin', { append: true });

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      if (!allowed) return c.json({ error: `origin ${origin} is not allowed (CORS_ORIGINS)` }, 403);
      c.header('Access-Control-Allow-Origin', any ? '*' : origin);
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      c.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
      return c.body(null, 204);
    }
    if (!allowed && !sameOrigin && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.json({ error: `origin ${origin} is not allowed to change anything (CORS_ORIGINS)` }, 403);
    }
    if (allowed) {
      c.header('Access-Control-Allow-Origin', any ? '*' : origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    return next();
  };
}
