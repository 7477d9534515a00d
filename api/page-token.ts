/**
 * `next_page_token` of migration lists: Temporal's visibility token, bound to the query it pages
 * through. A token from another list (other filters), or one that was altered, is refused here
 * (400) instead of reaching the server, which answers a garbled token only after retrying.
 */
import { createHash } from 'node:crypto';

function queryTag(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

export function encodePageToken(query: string, token: Uint8Array): string {
  return Buffer.from(JSON.stringify({ q: queryTag(query), t: Buffer.from(token).toString('base64') })).toString('base64url');
}

/** Temporal's token, or null when `text` is not a token this query gave out. */
export function decodePageToken(query: string, text: string): Uint8Array | null {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { q?: unknown; t?: unknown };
    if (parsed.q !== queryTag(query) || typeof parsed.t !== 'string' || parsed.t.length === 0) return null;
    return Buffer.from(parsed.t, 'base64');
  } catch {
    return null;
  }
}
