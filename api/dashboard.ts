/**
 * The web dashboard (dashboard/, built into dashboard/dist by `npm run build`) served by the API at
 * `/`: one process, one port. Hashed assets are cached for good, index.html never; any other GET
 * outside /api/ answers index.html so the dashboard's own routes survive a reload. Files are
 * gzipped once and kept in memory (the build is a few hundred KB).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

export interface DashboardOptions {
  /** The built dashboard; default dashboard/dist of this checkout. */
  dir?: string;
  /** TEMPORAL_UI_URL (the Web UI the dashboard links runs to) and TEMPORAL_NAMESPACE; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** dashboard/dist of the checkout this file lives in (as api/*.ts under tsx, or dist/api/*.js compiled). */
export function defaultDashboardDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dashboard', 'dist');
}

interface CachedFile {
  mtimeMs: number;
  raw: Buffer;
  gzip: Buffer | null;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function dashboardRoutes(opts: DashboardOptions = {}): Hono {
  const root = resolve(opts.dir ?? defaultDashboardDir());
  const env = opts.env ?? process.env;
  const temporalUi = env.TEMPORAL_UI_URL || 'http://localhost:8233';
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  const cache = new Map<string, CachedFile>();

  /** The file's bytes (index.html with this deployment's settings written in), from memory while unchanged. */
  const load = (file: string): CachedFile | undefined => {
    let st;
    try {
      st = statSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    let raw = readFileSync(file);
    if (file.endsWith('index.html')) {
      raw = Buffer.from(
        raw
          .toString('utf8')
          .replace(/(<meta name="es-temporal-ui" content=")[^"]*(")/, `$1${escapeAttr(temporalUi)}$2`)
          .replace(/(<meta name="es-temporal-namespace" content=")[^"]*(")/, `$1${escapeAttr(namespace)}$2`),
      );
    }
    const entry = { mtimeMs: st.mtimeMs, raw, gzip: COMPRESSIBLE.has(extname(file)) && raw.length > 1024 ? gzipSync(raw, { level: 9 }) : null };
    cache.set(file, entry);
    return entry;
  };

  const send = (c: Context, file: string, entry: CachedFile, cacheControl: string) => {
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    const gzip = entry.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (gzip) headers['content-encoding'] = 'gzip';
    const body = gzip ? entry.gzip! : entry.raw;
    headers['content-length'] = String(body.length);
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(body), 200, headers);
  };

  const app = new Hono();
  app.get('*', (c) => {
    const path = c.req.path;
    // The API's own paths keep its JSON 404.
    if (path === '/api' || path.startsWith('/api/')) return c.notFound();
    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      return c.notFound();
    }
    // Dot paths (.vite/manifest.json) are build metadata, not part of the site.
    if (rel.includes('/.')) return c.notFound();
    const file = resolve(root, `.${rel}`);
    if (file !== root && !file.startsWith(root + sep)) return c.notFound();
    const asset = rel.endsWith('/') ? undefined : load(file);
    if (asset) return send(c, file, asset, rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    // A missing file (it has an extension) is a 404, not the app.
    if (extname(rel) !== '') return c.notFound();
    const index = join(root, 'index.html');
    const page = load(index);
    if (!page) {
      return c.html('<!doctype html><title>Epic Shelter</title><p>The dashboard is not built. Run <code>npm run build</code>, then reload.</p>', 503);
    }
    return send(c, index, page, 'no-cache');
  });
  return app;
}
