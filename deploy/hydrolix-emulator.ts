/**
 * The Hydrolix emulator as a container process (docker-compose.yml, `demo` profile): the same
 * emulator as `npm run emulator`, listening on HYDROLIX_EMULATOR_HOST (0.0.0.0 in the image), so
 * the workers reach it across the compose network.
 */
import { startHydrolixEmulator } from '../test/hydrolix-emulator';

async function main(): Promise<void> {
  const port = Number(process.env.HYDROLIX_EMULATOR_PORT ?? 8088);
  const host = process.env.HYDROLIX_EMULATOR_HOST || '0.0.0.0';
  const handle = await startHydrolixEmulator({
    host,
    port,
    users: [{ username: process.env.HYDROLIX_EMULATOR_USER ?? 'admin@example.com', password: process.env.HYDROLIX_EMULATOR_PASSWORD ?? 'secret' }],
  });
  console.log(`Hydrolix emulator listening on ${host}:${handle.port}`);
  const stop = () => handle.close().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
