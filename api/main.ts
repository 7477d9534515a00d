/** `npm run api`: the HTTP API on PORT (default 3000). */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import '../connectors';
import { temporalSettings } from '../worker/config';
import { createApp } from './app';

async function main() {
  const settings = temporalSettings();
  const connection = await Connection.connect({ address: settings.address });
  const client = new Client({ connection, namespace: settings.namespace });
  const app = createApp({ client, connection, taskQueue: settings.taskQueue });
  const port = Number(process.env.PORT ?? 3000);
  const server = serve({ fetch: app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' }, () =>
    console.log(`API listening on http://localhost:${port}`),
  );
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
