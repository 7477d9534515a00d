/** `npm run api`: the HTTP API on HOST:PORT (README, Security, for HOST's default and the tokens). */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import '../connectors';
import { temporalSettings } from '../worker/config';
import { createApp } from './app';
import { authenticated, bindHost, isLoopback, securityFromEnv } from './middleware/config';

async function main() {
  // Settings first: a refused configuration fails before anything connects.
  const security = securityFromEnv(process.env);
  const hostname = bindHost(process.env, security);
  const port = Number(process.env.PORT ?? 3000);
  const settings = temporalSettings();
  const connection = await Connection.connect(settings.connectOptions as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection, namespace: settings.namespace });
  const app = createApp({ client, connection, taskQueue: settings.taskQueue, security });
  const server = serve({ fetch: app.fetch, port, hostname }, () => {
    const shown = hostname.includes(':') ? `[${hostname}]` : hostname;
    const auth = authenticated(security)
      ? `bearer tokens required (${security.tokens.length} full, ${security.readTokens.length} read-only)`
      : isLoopback(hostname)
        ? 'NO authentication (no API_TOKENS): reachable from this machine only'
        : 'NO authentication on a network interface (API_ALLOW_UNAUTHENTICATED=true)';
    console.log(`API listening on http://${shown}:${port} — ${auth}`);
  });
  const stop = () => {
    server.close();
    void connection.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
