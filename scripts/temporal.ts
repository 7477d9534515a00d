/**
 * `npm run temporal`: the Temporal dev server on its own (gRPC on TEMPORAL_PORT, default 7233;
 * Web UI on TEMPORAL_UI_PORT, default 8233), persisted to .data/temporal.sqlite.
 */
import { resolve } from 'node:path';
import { startDevServer } from './lib/dev-server';

async function main() {
  const port = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const dbFile = resolve(process.env.TEMPORAL_DB_FILE ?? '.data/temporal.sqlite');
  const server = await startDevServer({ port, uiPort, dbFile, ip: process.env.TEMPORAL_IP ?? '127.0.0.1', stdio: 'inherit' });
  console.log(`Temporal dev server on ${server.address}, Web UI http://localhost:${uiPort}, state in ${dbFile}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.process.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
