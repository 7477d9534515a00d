/**
 * The API's OpenAPI document, taken from the app itself (`GET /openapi.json` on createApp), so the
 * dashboard's client types come from the same zod schemas that check requests. The app is built
 * with inert Temporal deps: serving the document touches none of them.
 */
import type { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';

/** Any property or call on it answers itself; nothing here talks to Temporal. */
const inert: unknown = new Proxy(function inert() {}, {
  get: (_t, prop) => (prop === 'then' ? undefined : inert),
  apply: () => inert,
});

export async function openApiDocument(): Promise<unknown> {
  const app = createApp({ client: inert as Client, connection: inert as Connection, taskQueue: 'openapi' });
  const res = await app.request('/openapi.json');
  if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}: the API does not serve its OpenAPI document`);
  return res.json();
}
