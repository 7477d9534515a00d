/**
 * The one way the dashboard talks to the API: openapi-fetch over the types generated from the
 * API's own OpenAPI document (schema.d.ts), so a request or answer that drifts from the API's zod
 * schemas fails the type check. The bearer token lives in sessionStorage only; a 401 asks for it.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const TOKEN_KEY = 'es-api-token';
const listeners = new Set<(event: AuthEvent) => void>();

export type AuthEvent = 'token-required' | 'token-changed';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  emit('token-changed');
}

export function onAuth(fn: (event: AuthEvent) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(event: AuthEvent) {
  for (const fn of listeners) fn(event);
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) emit('token-required');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** An API answer other than success, with the API's message and the fields it names. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ErrorShape {
  error?: string;
  fields?: { path: string; message: string }[] | Record<string, string>;
}

function fieldsOf(body: ErrorShape | undefined): Record<string, string> {
  const f = body?.fields;
  if (!f) return {};
  if (Array.isArray(f)) return Object.fromEntries(f.map((e) => [e.path, e.message]));
  return f;
}

/** The data of an openapi-fetch result, or an ApiError carrying the API's own words. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  const body = result.error as ErrorShape | undefined;
  const status = result.response.status;
  const message =
    body?.error ??
    (status === 401 ? 'an API token is needed' : status === 429 ? 'too many requests; try again in a moment' : `the API answered ${status}`);
  throw new ApiError(message, status, fieldsOf(body));
}

/** A message for any failure: the API's words, or that it could not be reached. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const details = Object.entries(err.fields)
      .filter(([, m]) => m !== err.message)
      .map(([path, m]) => (path && path !== '(body)' ? `${path}: ${m}` : m));
    return details.length ? `${err.message}: ${details.join('; ')}` : err.message;
  }
  if (err instanceof TypeError) return 'cannot reach the API';
  return err instanceof Error ? err.message : String(err);
}
