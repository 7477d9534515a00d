import type { Context } from 'hono';

/** Parses a JSON body, turning malformed JSON or a wrong content type into a message instead of a 500. */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().includes('application/json')) return { ok: false, error: 'Content-Type must be application/json' };
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: `malformed JSON body: ${(err as Error).message}` };
  }
}
