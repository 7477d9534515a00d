/**
 * The contract: /openapi.json is a valid OpenAPI 3.1 document generated from the schemas that
 * validate requests, it lists every route the app serves (routers of other modules included),
 * /docs works offline, and the API process loads no database driver.
 */
import { spawnSync } from 'node:child_process';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Before the app on purpose: the connectors' schemas exist before zod gets its OpenAPI extension, as in the worker-side tests.
import { connectorDefinitions } from '../../connectors/definitions';
import '../../connectors';
import { createApp } from '../../api/app';
import { configComponentName } from '../../api/schemas';
import { packageVersion } from '../../api/openapi-document';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

type Operation = { responses: Record<string, unknown>; security?: unknown[]; requestBody?: unknown; parameters?: Array<{ name: string; in: string }> };
type Doc = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown>; responses: Record<string, unknown> };
};

/** A Hono route path as an OpenAPI path: `:id` → `{id}`, a trailing catch-all `/*` → `/{path}`. */
const openApiPath = (path: string) =>
  (path.length > 1 ? path.replace(/\/$/, '') : path).replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');

describe('OpenAPI document', () => {
  let temporal: TestTemporal;
  let app: ReturnType<typeof createApp>;
  let doc: Doc;

  beforeAll(async () => {
    temporal = await startTestTemporal();
    app = createApp({ client: temporal.client, connection: temporal.connection, taskQueue: 'openapi-test' });
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => temporal?.stop());

  it('validates as OpenAPI 3.1, versioned as the package', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the app serves, with its method', () => {
    const served = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    // Guard against an empty or truncated enumeration: the routers of this module and others are all there.
    expect(served).toContain('post /api/migrations');
    expect(served).toContain('post /api/schedules/{id}/backfill');
    expect(served).toContain('get /healthz');
    expect(served.size).toBeGreaterThan(20);
    const missing = [...served].filter((key) => {
      const [method, path] = key.split(' ');
      return doc.paths[path!]?.[method!] === undefined;
    });
    expect(missing).toEqual([]);
  });

  it('gives every /api operation bearer auth and the middleware answers (401 with WWW-Authenticate, 403, 429 with Retry-After, 500 with request_id)', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.responses.Status401).toMatchObject({ headers: { 'WWW-Authenticate': expect.anything() } });
    expect(doc.components.responses.Status429).toMatchObject({ headers: { 'Retry-After': expect.anything() } });
    expect(JSON.stringify(doc.components.responses.Status500)).toContain('request_id');
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(item)) {
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        for (const status of ['401', '403', '429', '500']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
        if (op.requestBody) for (const status of ['400', '413', '415']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
      }
    }
    const start = doc.paths['/api/migrations']!.post!;
    expect(Object.keys(start.responses).sort()).toEqual(['201', '400', '401', '403', '413', '415', '429', '500']);
    expect(doc.paths['/api/migrations/{id}']!.get!.responses['404']).toBeDefined();
    expect(doc.paths['/api/migrations/{id}/cancel']!.post!.responses['409']).toBeDefined();
    // Open routes stay open.
    expect(doc.paths['/healthz']!.get!.security).toBeUndefined();
  });

  it('builds the connector parts from the registered definitions', () => {
    const body = JSON.stringify(doc.paths['/api/migrations']!.post!.requestBody);
    const defs = connectorDefinitions();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['SinglestoreSourceConfig', 'PostgresSourceConfig', 'PostgresDestinationConfig', 'HydrolixDestinationConfig']),
    );
    for (const def of defs) {
      const roles = [def.source && 'Source', def.destination && 'Destination'].filter(Boolean) as string[];
      for (const role of roles) {
        const name = configComponentName(def.type, role === 'Source' ? 'source' : 'destination');
        expect(doc.components.schemas[name], name).toBeDefined();
        expect(JSON.stringify(doc)).toContain(`#/components/schemas/${name}`);
      }
    }
    const request = doc.components.schemas.CreateMigrationRequest as { properties: Record<string, { enum?: string[] }> } | undefined;
    const sourceTypes = (request ?? JSON.parse(body)).properties?.source_type?.enum;
    expect(sourceTypes).toEqual(defs.filter((d) => d.source).map((d) => d.type));
    // destination_config.columns is the shared column-mapping schema, for every destination.
    for (const def of defs.filter((d) => d.destination)) {
      const name = configComponentName(def.type, 'destination');
      expect(doc.components.schemas[name]!.properties, name).toHaveProperty('columns');
    }
  });

  it('documents the request bounds as schema limits', () => {
    const text = JSON.stringify(doc.components.schemas.CreateMigrationRequest);
    for (const bound of ['"maximum":16', '"maximum":5000000', '"maximum":200000', '"maxLength":100000', '"maxLength":200']) expect(text).toContain(bound);
  });

  it('serves /docs offline: HTML whose scripts and styles all come from this origin', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/docs\//);
      const asset = await app.request(ref);
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
    }
    const init = await (await app.request('/docs/init.js')).text();
    expect(init).toContain("'/openapi.json'");
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await app.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });

  it('keeps 415 for bodies that are not application/json', async () => {
    for (const [path, type] of [
      ['/api/migrations', 'text/plain'],
      ['/api/schedules', 'text/plain;application/json'],
      ['/api/migrations', 'application/x-www-form-urlencoded'],
    ] as const) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': type }, body: '{}' });
      expect(res.status, `${path} ${type}`).toBe(415);
      expect(await res.json()).toMatchObject({ error: expect.stringContaining('application/json'), fields: [{ path: '(content-type)' }] });
    }
  });

  it('turns schema errors into {error, fields} naming the field', async () => {
    const res = await app.request('/api/migrations?page_size=0');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid list parameters', fields: [{ path: 'page_size' }] });
    const cap = await app.request('/api/migrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'm',
        source_type: 'POSTGRES',
        source_config: { table: 't' },
        destination_type: 'HYDROLIX',
        destination_config: { table: 't', write_mode: 'replace' },
      }),
    });
    expect(cap.status).toBe(400);
    expect(await cap.json()).toMatchObject({ fields: [{ path: 'destination_config.write_mode' }] });
  });
});

describe('with tokens configured', () => {
  it('keeps /openapi.json and /docs open (public metadata) while /api needs a token', async () => {
    const token = 'openapi-test-token-0123456789';
    const app = createApp({
      client: {} as never,
      connection: {} as never,
      taskQueue: 'openapi-test',
      security: { tokens: [token], readTokens: [], corsOrigins: [], ratePerMin: 0, startsPerMin: 0 },
    });
    expect((await app.request('/openapi.json')).status).toBe(200);
    expect((await app.request('/docs')).status).toBe(200);
    const denied = await app.request('/api/migrations');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describe('the API process', () => {
  it('loads no database driver', () => {
    const script = `
      await import('./api/app.ts');
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(process.cwd() + '/').cache);
      const drivers = ['mysql2', 'pg', 'pg-copy-streams', 'undici'].filter((d) => loaded.some((f) => f.includes('/node_modules/' + d + '/')));
      console.log(JSON.stringify({ modules: loaded.length, drivers }));
    `;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(out.status, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout.trim().split('\n').pop()!) as { modules: number; drivers: string[] };
    // The check sees modules at all (the app's own dependencies are there)...
    expect(result.modules).toBeGreaterThan(50);
    // ...and none of the drivers.
    expect(result.drivers).toEqual([]);
  });
});
