// Minimal request/response plumbing shared by the route modules.
import type { IncomingHttpHeaders } from 'node:http';

export interface Req {
  method: string;
  /** Path without trailing slash (every Hydrolix path is accepted in both forms, doc §0). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
export interface Res {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Close the connection instead of answering (an injected lost answer). */
  drop?: boolean;
}

export const json = (status: number, obj: unknown, headers: Record<string, string> = {}): Res => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(obj),
});

export const header = (req: Req, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Media type without parameters, lower-cased ('application/json; charset=utf-8' → 'application/json'). */
export const mediaType = (req: Req): string => (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();

const utf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeUtf8(b: Buffer): string | null {
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}
