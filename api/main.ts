/**
 * `npm run api`: the HTTP API on HOST:PORT (README, Security, for HOST's default and the tokens),
 * its Prometheus metrics on API_METRICS_PORT (default 9465, `0` turns it off), JSON logs (LOG_LEVEL,
 * LOG_FORMAT).
 */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { portSetting, temporalSettings } from '../worker/config';
import { createApp } from './app';
import { apiLogger } from './logging';
import { authenticated, bindHost, isLoopback, securityFromEnv } from './middleware/config';
import { metricsApp } from './middleware/metrics';

export const API_METRICS_PORT_DEFAULT = 9465;

const shown = (host: string) => (host.includes(':') ? `[${host}]` : host);

async function main() {
  const logger = apiLogger(process.env);
  // Settings first: a refused configuration fails before anything connects.
  const security = securityFromEnv(process.env);
  const hostname = bindHost(process.env, security);
  const port = Number(process.env.PORT ?? 3000);
  const metricsPort = portSetting(process.env, 'API_METRICS_PORT', API_METRICS_PORT_DEFAULT);
  // Metrics carry no data of any migration, only counts by route: the API's interface unless told otherwise.
  const metricsHost = process.env.API_METRICS_HOST || hostname;
  const settings = temporalSettings();
  const connection = await Connection.connect(settings.connectOptions as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection, namespace: settings.namespace });
  const app = createApp({ client, connection, taskQueue: settings.taskQueue, security });
  const server = serve({ fetch: app.fetch, port, hostname }, () => {
    const auth = authenticated(security)
      ? `bearer tokens required (${security.tokens.length} full, ${security.readTokens.length} read-only)`
      : isLoopback(hostname)
        ? 'NO authentication (no API_TOKENS): reachable from this machine only'
        : 'NO authentication on a network interface (API_ALLOW_UNAUTHENTICATED=true)';
    logger.info({ host: hostname, port }, `API listening on http://${shown(hostname)}:${port} — ${auth}`);
  });
  const metrics =
    metricsPort === 0
      ? undefined
      : serve({ fetch: metricsApp().fetch, port: metricsPort, hostname: metricsHost }, () => {
          logger.info({ host: metricsHost, port: metricsPort }, `API metrics on http://${shown(metricsHost)}:${metricsPort}/metrics`);
        });
  metrics?.on('error', (err) => logger.error({ port: metricsPort }, `API metrics server: ${err.message}`));
  const stop = () => {
    server.close();
    metrics?.close();
    void connection.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
