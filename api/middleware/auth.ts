/**
 * Bearer tokens: authenticate() says who is asking (never rejects), authorize() rejects.
 * Between them the rate limiter counts failed attempts against the caller's address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticated, type SecurityConfig } from './config';
import type { ApiEnv } from './env';

export const REALM = 'Bearer realm="epic-shelter"';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The client's socket address (node server); `local` for in-process requests (app.request). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * Compares SHA-256 digests (equal length whatever the token's length) with timingSafeEqual,
 * and always against every configured token, so timing says nothing about which or how much matched.
 */
function matcher(tokens: string[], prefix: string) {
  const hashes = tokens.map(digest);
  return (presented: Buffer): string | undefined => {
    let found: string | undefined;
    hashes.forEach((h, i) => {
      if (timingSafeEqual(h, presented) && found === undefined) found = `${prefix}:${i}`;
    });
    return found;
  };
}

export function authenticate(cfg: SecurityConfig): MiddlewareHandler<ApiEnv> {
  if (!authenticated(cfg)) {
    return async (c, next) => {
      c.set('principal', { key: `addr:${clientAddress(c)}`, access: 'full' });
      await next();
    };
  }
  const full = matcher(cfg.tokens, 'token');
  const read = matcher(cfg.readTokens, 'read');
  return async (c, next) => {
    const m = /^Bearer +([^\s]+) *$/i.exec(c.req.header('authorization') ?? '');
    let key: string | undefined;
    let access: 'full' | 'read' | null = null;
    if (m) {
      const presented = digest(m[1]!);
      const f = full(presented);
      const r = read(presented);
      if (f) [key, access] = [f, 'full'];
      else if (r) [key, access] = [r, 'read'];
    }
    c.set('principal', { key: key ?? `addr:${clientAddress(c)}`, access });
    await next();
  };
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function authorize(cfg: SecurityConfig): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!authenticated(cfg)) return next();
    const { access } = c.get('principal');
    if (access === null) {
      const presented = c.req.header('authorization') !== undefined;
      c.header('WWW-Authenticate', presented ? `${REALM}, error="invalid_token"` : REALM);
      return c.json({ error: presented ? 'invalid bearer token' : 'authentication required: send Authorization: Bearer <token>' }, 401);
    }
    if (access === 'read' && !READ_METHODS.has(c.req.method)) {
      return c.json({ error: `this token is read-only: ${c.req.method} needs a token from API_TOKENS` }, 403);
    }
    return next();
  };
}
