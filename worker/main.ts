/** `npm run worker`: runs migration workflows and activities until SIGINT/SIGTERM. */
import { bundleInChildProcess } from './bundle';
import { createWorker } from './create-worker';
import { temporalSettings } from './config';

async function main() {
  const settings = temporalSettings();
  const { worker, connectors, connection } = await createWorker(settings, process.env, await bundleInChildProcess());
  console.log(`worker polling task queue "${settings.taskQueue}" on ${settings.address}`);
  // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks drain (the SDK installs the handlers).
  await worker.run();
  await connectors.closeAll();
  await connection.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
