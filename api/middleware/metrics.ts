/**
 * HTTP metrics (prom-client): requests and latency by method, route pattern and status. Installed
 * first in the app, so it also times what the other middleware answers (401, 429, 413…). Served by
 * api/main.ts on API_METRICS_PORT (`metricsApp`), apart from the API's own port and its authentication.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const apiMetricsRegistry = new Registry();
collectDefaultMetrics({ register: apiMetricsRegistry, prefix: 'epic_shelter_api_' });

const labelNames = ['method', 'route', 'status'] as const;

const requests = new Counter({
  name: 'epic_shelter_api_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames,
  registers: [apiMetricsRegistry],
});

const duration = new Histogram({
  name: 'epic_shelter_api_request_duration_seconds',
  help: 'Time from a request to its answer, by method, route pattern and status code',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [apiMetricsRegistry],
});

const inFlight = new Gauge({
  name: 'epic_shelter_api_requests_in_flight',
  help: 'Requests being answered now',
  registers: [apiMetricsRegistry],
});

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern that answered (`/api/migrations/:id`), never the raw path: ids would make a
 * series per migration. Read after the request is answered: `routeIndex` is then the handler that
 * answered. Middleware (method ALL) that answered itself (401, 413, 429…) counts for the route the
 * request was headed to; a request no route matched is `unmatched`.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = Math.max(0, c.req.routeIndex); i < routes.length; i++) {
    if (routes[i].method !== 'ALL') return routes[i].path;
  }
  return 'unmatched';
}

export const httpMetrics: MiddlewareHandler = async (c, next) => {
  const started = process.hrtime.bigint();
  inFlight.inc();
  try {
    await next();
  } finally {
    inFlight.dec();
    const labels = {
      method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      // A thrown error reaches app.onError after this middleware; the answer then is a 500.
      route: routeLabel(c),
      status: String(c.res?.status ?? 500),
    };
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  }
};

/** The metrics endpoint's own app: `GET /metrics` in Prometheus text format. */
export function metricsApp(registry: Registry = apiMetricsRegistry): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
