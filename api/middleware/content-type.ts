/**
 * Request bodies must be `application/json` (parameters such as charset allowed). Anything else
 * is 415: a browser sends text/plain, form and multipart bodies cross-site without a CORS preflight.
 */
import type { MiddlewareHandler } from 'hono';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isJsonMediaType(header: string): boolean {
  return header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export const requireJson: MiddlewareHandler = async (c, next) => {
  if (!BODY_METHODS.has(c.req.method)) return next();
  const type = c.req.header('content-type');
  const length = c.req.header('content-length');
  const declaresBody = c.req.header('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
  // A body-less action (cancel, trigger, pause) needs no type; a declared type must be JSON even on an empty body.
  if (type === undefined ? !declaresBody : isJsonMediaType(type)) return next();
  return c.json(
    { error: 'unsupported media type: send Content-Type: application/json', fields: [{ path: '(content-type)', message: `expected application/json, got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 100))}` }] },
    415,
  );
};
