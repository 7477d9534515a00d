/**
 * Bodies over the limit get 413 with `Connection: close`: the rest of the body is never read,
 * so the server drops the connection after answering, and the client must know not to reuse it.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      c.header('Connection', 'close');
      return c.json({ error: `request body larger than ${maxBytes} bytes`, fields: [] }, 413);
    },
  });
}
