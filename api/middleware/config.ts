/**
 * The API's security settings, read once from the environment (README, Security). createApp
 * without them serves an open app with no limits: what tests and in-process tools use.
 */
import { isIP } from 'node:net';

export interface SecurityConfig {
  /** Full-access bearer tokens; none configured = no authentication (loopback only, see bindHost). */
  tokens: string[];
  /** Read-only bearer tokens: GET (and HEAD) only. */
  readTokens: string[];
  /** Origins allowed to call the API from a browser; empty = no CORS headers at all. `*` = any origin. */
  corsOrigins: string[];
  /** Requests per minute per token (per client address without one); 0 = unlimited. */
  ratePerMin: number;
  /** Migration starts per minute per token or address, on top of ratePerMin; 0 = unlimited. */
  startsPerMin: number;
  /** Answer only requests addressed to a loopback name (no tokens, no API_ALLOW_UNAUTHENTICATED). */
  loopbackHostOnly?: boolean;
}

export const OPEN: SecurityConfig = { tokens: [], readTokens: [], corsOrigins: [], ratePerMin: 0, startsPerMin: 0 };

export const DEFAULT_RATE_PER_MIN = 600;
export const DEFAULT_STARTS_PER_MIN = 20;
/** Shorter tokens are guessable within a rate limit's lifetime; refuse them at start. */
export const MIN_TOKEN_CHARS = 16;

/** Thrown for settings the API refuses to start with; the message names the variable. */
export class ConfigError extends Error {}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number (0 = no limit), got "${raw}"`);
  return Number(raw);
}

/** `https://app.example.com` or `http://localhost:5173`: scheme, host, optional port; nothing else. */
function origin(raw: string): string {
  if (raw === '*') return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`CORS_ORIGINS: "${raw}" is not an origin (e.g. https://app.example.com)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '').toLowerCase()) {
    throw new ConfigError(`CORS_ORIGINS: "${raw}" is not an origin (scheme://host[:port], no path)`);
  }
  return url.origin;
}

export function securityFromEnv(env: NodeJS.ProcessEnv): SecurityConfig {
  const tokens = list(env.API_TOKENS);
  const readTokens = list(env.API_READ_TOKENS);
  for (const [name, t] of [...tokens.map((t) => ['API_TOKENS', t]), ...readTokens.map((t) => ['API_READ_TOKENS', t])]) {
    if (t.length < MIN_TOKEN_CHARS) throw new ConfigError(`${name}: every token must be at least ${MIN_TOKEN_CHARS} characters (e.g. openssl rand -hex 32)`);
    if (/\s/.test(t)) throw new ConfigError(`${name}: tokens must not contain whitespace`);
  }
  if (readTokens.some((t) => tokens.includes(t))) throw new ConfigError('a token is in both API_TOKENS and API_READ_TOKENS');
  return {
    tokens,
    readTokens,
    corsOrigins: list(env.CORS_ORIGINS).map(origin),
    ratePerMin: count(env, 'RATE_LIMIT_PER_MIN', DEFAULT_RATE_PER_MIN),
    startsPerMin: count(env, 'RATE_LIMIT_STARTS_PER_MIN', DEFAULT_STARTS_PER_MIN),
    loopbackHostOnly: tokens.length + readTokens.length === 0 && env.API_ALLOW_UNAUTHENTICATED !== 'true',
  };
}

export const authenticated = (cfg: SecurityConfig) => cfg.tokens.length + cfg.readTokens.length > 0;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

/**
 * The interface to listen on: HOST, else 127.0.0.1 without tokens and 0.0.0.0 with them.
 * Without tokens a non-loopback HOST is refused unless API_ALLOW_UNAUTHENTICATED=true.
 */
export function bindHost(env: NodeJS.ProcessEnv, cfg: SecurityConfig): string {
  const host = env.HOST?.trim() || (authenticated(cfg) ? '0.0.0.0' : '127.0.0.1');
  if (!authenticated(cfg) && !isLoopback(host) && env.API_ALLOW_UNAUTHENTICATED !== 'true') {
    throw new ConfigError(
      `refusing to listen on ${host} without authentication: set API_TOKENS (and/or API_READ_TOKENS), ` +
        'or API_ALLOW_UNAUTHENTICATED=true if something in front of the API already authenticates',
    );
  }
  return host;
}
