/**
 * `npm start`: everything on one machine. With no Temporal connection configured (no
 * TEMPORAL_ADDRESS, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE) it starts the embedded Temporal dev
 * server (state in .data/temporal.sqlite, Web UI on 8233), then the worker, then the API.
 * Ctrl-C stops them in reverse order.
 */
import { resolve } from 'node:path';
import { buildRuntime } from './build';
import { startDevServer, waitForPort, type DevServer } from './lib/dev-server';
import { ROOT, spawnTs, spawnWorker, stopProcess } from './lib/processes';
import { temporalSettings } from '../worker/config';

async function main() {
  await buildRuntime(); // the worker runs the compiled dist/
  const env = { ...process.env };
  let temporal: DevServer | undefined;
  const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
  // A profile names a server as surely as an address does: starting a dev server then would
  // leave the worker and API connected elsewhere than the one this script prints.
  const configured = ['TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE'].some((k) => env[k]);
  if (!configured) {
    const port = Number(env.TEMPORAL_PORT ?? 7233);
    temporal = await startDevServer({ port, uiPort, dbFile: resolve(ROOT, env.TEMPORAL_DB_FILE ?? '.data/temporal.sqlite') });
    env.TEMPORAL_ADDRESS = temporal.address;
  }
  const worker = spawnWorker(env);
  const api = spawnTs('api/main.ts', env);
  const port = Number(env.PORT ?? 3000);
  await waitForPort('127.0.0.1', port, 60_000);

  console.log('\nEpic Shelter is running:');
  console.log(`  API          http://localhost:${port}   (try: curl localhost:${port}/healthz)`);
  console.log(`  Temporal     ${temporalSettings(env).address}`);
  if (temporal) console.log(`  Temporal UI  http://localhost:${uiPort}`);
  console.log('Ctrl-C stops everything.\n');

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopProcess(api);
    await stopProcess(worker);
    await temporal?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const [name, child] of [['worker', worker], ['api', api]] as const) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} exited (code ${code}); stopping the rest`);
        void stop(1);
      }
    });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
