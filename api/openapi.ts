/**
 * The pieces every router documents its routes with: the shared error shapes, the responses the
 * middleware can give any route (401, 403, 413, 415, 429, 500), the hook that turns zod errors into
 * the `{error, fields}` 400, and the JSON body reader that runs before validation.
 */
import { z, type Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './middleware/env';
import { fieldErrors } from './schemas';

export const BEARER_AUTH = 'bearerAuth';

export const fieldErrorSchema = z
  .object({
    path: z.string().describe('Dotted path of the field (`(body)` for the body itself, `(content-type)` for the header)'),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const errorSchema = z
  .object({
    error: z.string().describe('What went wrong, for people; never a database error detail, credential or host'),
    fields: z.array(fieldErrorSchema).optional().describe('On 400 (and 415): one entry per field at fault'),
  })
  .meta({ id: 'Error', example: { error: 'invalid migration request', fields: [{ path: 'source_config.table', message: 'give a table, a query, or both' }] } });

export const internalErrorSchema = z
  .object({
    error: z.literal('internal error'),
    request_id: z.string().describe('Also in the x-request-id header; the API log holds the detail under it'),
  })
  .meta({ id: 'InternalError', example: { error: 'internal error', request_id: '5b0d7c1e-2a43-4b9f-9d0e-8f7a6c5b4d3e' } });

type Json = Record<string, unknown>;

export function jsonContent<T extends z.ZodType>(schema: T, description: string, example?: unknown) {
  return { description, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

export function errorResponse(description: string, example: Json, headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>) {
  return { ...jsonContent(errorSchema, description, example), ...(headers ? { headers } : {}) };
}

const REQUEST_ID_HEADER = { 'x-request-id': { description: 'This request\'s id, as logged', schema: { type: 'string' as const } } };

/** Answers the middleware gives any /api route, before (or instead of) the route's own. */
export const COMMON_RESPONSES = {
  401: errorResponse(
    'No valid bearer token (only when API_TOKENS/API_READ_TOKENS are set)',
    { error: 'authentication required: send Authorization: Bearer <token>' },
    { 'WWW-Authenticate': { description: 'Bearer realm="epic-shelter" (error="invalid_token" for a wrong token)', schema: { type: 'string' } } },
  ),
  403: errorResponse('A read-only token on a change, a browser origin not in CORS_ORIGINS, or (without tokens) a non-loopback Host', {
    error: 'this token is read-only: POST needs a token from API_TOKENS',
  }),
  429: errorResponse(
    'Rate limit: RATE_LIMIT_PER_MIN requests a minute per token (or address); starts also spend RATE_LIMIT_STARTS_PER_MIN',
    { error: 'rate limit exceeded: at most 600 requests a minute; retry in 2 s' },
    { 'Retry-After': { description: 'Seconds until a request will be accepted again', schema: { type: 'integer' } } },
  ),
  500: { ...jsonContent(internalErrorSchema, 'Unexpected failure: only the request id, the detail is in the API log'), headers: REQUEST_ID_HEADER },
} as const;

/** Answers the middleware gives routes that take a body. */
export const BODY_RESPONSES = {
  413: errorResponse('Body larger than 1 MiB; the connection is closed after the answer (`Connection: close`)', {
    error: 'request body larger than 1048576 bytes',
    fields: [],
  }),
  415: errorResponse('A body that is not `application/json`', {
    error: 'unsupported media type: send Content-Type: application/json',
    fields: [{ path: '(content-type)', message: 'expected application/json, got "text/plain"' }],
  }),
} as const;

export const badRequest = (description: string, example: Json) => ({ 400: errorResponse(description, example) });

/** The validation hook of a route: zod errors become `{error: <what>, fields}` with status 400. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one hook serves routes of every input and path type
export function invalid<T>(what: string): Hook<T, ApiEnv, any, any> {
  return (result, c) => {
    if (result.success) return undefined;
    return c.json({ error: what, fields: fieldErrors(result.error as z.ZodError) }, 400);
  };
}

/**
 * Reads a JSON body before validation, so a wrong type or malformed JSON gets its own message
 * (the validator would otherwise see `{}`). `optional`: an empty body without a type reads as `{}`.
 */
export function jsonBody(optional = false): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const type = c.req.header('content-type');
    const length = c.req.header('content-length');
    if (optional && type === undefined && (length === undefined || length === '0')) return next();
    if (!type?.toLowerCase().includes('application/json')) return c.json({ error: 'Content-Type must be application/json', fields: [] }, 400);
    try {
      // Parsed once here; the validator reads the cached value.
      await c.req.json();
    } catch (err) {
      return c.json({ error: `malformed JSON body: ${(err as Error).message}`, fields: [] }, 400);
    }
    return next();
  };
}

/** Path parameter `{id}` of a migration or schedule. */
export const idParam = (example: string, what: string) =>
  z.object({
    id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: `The ${what} id`, example }),
  });
