/**
 * How the API serves the built dashboard (api/dashboard.ts), on a small build of its own: the app
 * for any path outside /api, the API's JSON 404 kept for /api, hashed assets cached for good and
 * gzipped, nothing outside the build directory, and this deployment's Temporal Web UI written in.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../api/dashboard';

const dir = mkdtempSync(join(tmpdir(), 'es-dashboard-'));
const INDEX = `<!doctype html><html><head>
<meta name="es-temporal-ui" content="http://localhost:8233" />
<meta name="es-temporal-namespace" content="default" />
<script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`;
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))});`;
mkdirSync(join(dir, 'assets'));
mkdirSync(join(dir, '.vite'));
writeFileSync(join(dir, 'index.html'), INDEX);
writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
writeFileSync(join(dir, '.vite', 'manifest.json'), '{}');
writeFileSync(join(dir, '..', 'es-dashboard-outside.txt'), 'CONTENT-OUTSIDE-THE-BUILD');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', 'es-dashboard-outside.txt'), { force: true });
});

function app(env: NodeJS.ProcessEnv = {}, root = dir) {
  const a = new Hono();
  a.get('/api/known', (c) => c.json({ ok: true }));
  a.route('/', dashboardRoutes({ dir: root, env }));
  a.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  return a;
}

describe('the dashboard served by the API', () => {
  it('answers the app for its own routes, so links and reloads work', async () => {
    for (const path of ['/', '/migrations/mig-123', '/schedules', '/templates/tmpl-1/edit']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('leaves /api paths to the API: unknown ones keep its JSON 404', async () => {
    expect(await (await app().request('/api/known')).json()).toEqual({ ok: true });
    const res = await app().request('/api/nothing/here');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route for GET /api/nothing/here' });
  });

  it('serves hashed assets gzipped and cached for good; a missing file is a 404, not the app', async () => {
    const res = await app().request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toContain('text/javascript');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(body).toString()).toBe(SCRIPT);
    const plain = await app().request('/assets/index-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
    expect((await app().request('/assets/gone-123.js')).status).toBe(404);
  });

  it('serves nothing outside the build, nor its metadata', async () => {
    for (const path of ['/../es-dashboard-outside.txt', '/%2e%2e/es-dashboard-outside.txt', '/..%2fes-dashboard-outside.txt', '/.vite/manifest.json']) {
      const res = await app().request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toMatch(/CONTENT-OUTSIDE|\{\}$/);
    }
  });

  it("writes this deployment's Temporal Web UI into the page, escaped", async () => {
    const html = await (await app({ TEMPORAL_UI_URL: 'https://temporal.example.com/"><script>', TEMPORAL_NAMESPACE: 'prod' }).request('/')).text();
    expect(html).toContain('<meta name="es-temporal-ui" content="https://temporal.example.com/&quot;>&lt;script>" />');
    expect(html).toContain('<meta name="es-temporal-namespace" content="prod" />');
    expect(html).not.toContain('"><script>');
  });

  it('says how to build it when it is not built', async () => {
    const res = await app({}, join(dir, 'missing')).request('/migrations');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
