// CLI: `npm run emulator` (tsx test/hydrolix-emulator/main.ts).
import { startHydrolixEmulator } from './index';

async function main(): Promise<void> {
  const port = Number(process.env.HYDROLIX_EMULATOR_PORT ?? 8088);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid HYDROLIX_EMULATOR_PORT ${process.env.HYDROLIX_EMULATOR_PORT}`);
  // HYDROLIX_EMULATOR_REAL_CLUSTER=1: rows queryable only once their partition closes, rejected rows answered 200.
  const real = process.env.HYDROLIX_EMULATOR_REAL_CLUSTER === '1';
  const handle = await startHydrolixEmulator({
    port,
    users: [{ username: process.env.HYDROLIX_EMULATOR_USER ?? 'admin@example.com', password: process.env.HYDROLIX_EMULATOR_PASSWORD ?? 'secret' }],
    ...(real ? { visibility: 'partitions' as const, rejectStatus: 200 as const } : {}),
  });
  console.log(`Hydrolix emulator listening on ${handle.url}`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Hydrolix emulator: ${sig}, shutting down`);
    handle.close().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
