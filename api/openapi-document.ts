/**
 * The OpenAPI 3.1 document of the whole app, generated from the routes' zod schemas (the ones that
 * validate requests), with what the middleware adds to every /api route: bearer auth and the
 * 401/403/429/500 answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './middleware/env';
import { BEARER_AUTH, BODY_RESPONSES, COMMON_RESPONSES } from './openapi';
import { connectorConfigSchemas } from './schemas';

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** The version in the package.json of the checkout this file lives in (api/*.ts under tsx, or dist/api/*.js). */
export function packageVersion(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const DESCRIPTION = `Durable table migrations on Temporal. Every request body is \`application/json\` (anything else is 415);
errors are \`{error, fields?}\`, and a 400 names each field at fault in \`fields\`.

**Authentication**: with \`API_TOKENS\` (full access) or \`API_READ_TOKENS\` (GET only) set on the API, every /api route
needs \`Authorization: Bearer <token>\`. Without tokens the API listens on 127.0.0.1 only and answers only requests
addressed to a loopback name. /healthz, /openapi.json and /docs are open: they hold no data.

**Rate limits**: \`RATE_LIMIT_PER_MIN\` requests a minute per token (per address without one), and starts (POST
/api/migrations, retry, schedule trigger and backfill, template run) also spend \`RATE_LIMIT_STARTS_PER_MIN\`; over
either, 429 with \`Retry-After\`.`;

/** Registers what the generator cannot see in the routes: the security scheme and the per-connector config schemas. */
export function registerDocumentComponents(app: OpenAPIHono<ApiEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_AUTH, {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from API_TOKENS (full access) or API_READ_TOKENS (GET only)',
  });
  // As JSON Schema from zod itself: the connectors build their schemas without the OpenAPI extension of zod.
  for (const [name, schema] of Object.entries(connectorConfigSchemas())) {
    const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
    app.openAPIRegistry.registerComponent('schemas', name, json as never);
  }
}

/** The document: generated once (the routes do not change after the app is built). */
export function openApiDocument(app: OpenAPIHono<ApiEnv>): () => Document {
  let doc: Document | undefined;
  return () => (doc ??= build(app));
}

function build(app: OpenAPIHono<ApiEnv>): Document {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Epic Shelter API', version: packageVersion(), description: DESCRIPTION, license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' } },
    tags: [
      { name: 'Migrations', description: 'Start, list, inspect, cancel and retry migrations' },
      { name: 'Schedules', description: 'Recurring migrations (Temporal Schedules)' },
      { name: 'Templates', description: 'Saved migrations, run on demand' },
      { name: 'Catalog', description: 'Connectors, source tables and columns, as the worker sees them' },
      { name: 'Service', description: 'Health, this document, the docs and the dashboard' },
    ],
  });
  doc.components ??= {};
  doc.components.responses = { ...doc.components.responses };
  for (const [status, response] of Object.entries({ ...COMMON_RESPONSES, ...BODY_RESPONSES })) doc.components.responses[`Status${status}`] = response as never;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/api/') && path !== '/api') continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const op = item[method];
      if (!op) continue;
      op.security = [{ [BEARER_AUTH]: [] }];
      // Body routes also meet the body middleware (413, 415).
      const statuses = Object.keys(op.requestBody ? { ...COMMON_RESPONSES, ...BODY_RESPONSES } : COMMON_RESPONSES);
      op.responses ??= {};
      for (const status of statuses) op.responses[status] ??= { $ref: `#/components/responses/Status${status}` };
    }
  }
  return doc;
}
