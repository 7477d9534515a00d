/**
 * GET /docs: Swagger UI over /openapi.json, served from the swagger-ui-dist package on disk (no CDN:
 * the docs work offline and the page loads nothing from another origin).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/** The files the page loads, by the name it loads them as: whatever else is asked for is a 404. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Scripts from this origin only; Swagger UI sets inline styles and shows data: images. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Epic Shelter API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the page's CSP can forbid inline scripts.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

const swaggerDist = () => dirname(require.resolve('swagger-ui-dist/package.json'));

export function docsRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, Buffer>();
  const headers = (type: string) => ({ 'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });

  app.get('/docs', (c) => c.body(PAGE, 200, headers('text/html; charset=utf-8')));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, headers('text/javascript; charset=utf-8')));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.json({ error: `no such docs asset: ${file}` }, 404);
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(join(swaggerDist(), file));
      cache.set(file, body);
    }
    return c.body(new Uint8Array(body), 200, { ...headers(type), 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
