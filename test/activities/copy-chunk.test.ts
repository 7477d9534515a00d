/**
 * copyChunk in isolation (Temporal's MockActivityEnvironment, real MariaDB, the emulator):
 * a cancelled chunk must fail, never return as if it had finished, or the workflow would record
 * it as done and its remaining rows would never be copied.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../../connectors';
import { ConnectorCache, createActivities } from '../../activities';
import { seedSales } from '../../scripts/seed-sales';
import { startHydrolixEmulator } from '../hydrolix-emulator';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import type { CopyChunkInput } from '../../workflows/types';
import type { TableSchema } from '../../connectors/types';

const table = uniqueName('es_chunk');
let emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>;
let connectors: ConnectorCache;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  await seedSales(MARIADB_URL, 5_000, table);
  emulator = await startHydrolixEmulator({ port: 0, users: [{ username: 'u@example.com', password: 'p-secret' }] });
  const env = {
    SINGLESTORE_URL: MARIADB_URL,
    HYDROLIX_URL: emulator.url,
    HYDROLIX_USERNAME: 'u@example.com',
    HYDROLIX_PASSWORD: 'p-secret',
    HYDROLIX_PROJECT: 'chunks',
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
  };
  connectors = new ConnectorCache(env);
  activities = createActivities({ env, connectors });
});

afterAll(async () => {
  await connectors?.closeAll();
  await emulator?.close();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

async function input(): Promise<CopyChunkInput> {
  const source = { type: 'SINGLESTORE', spec: { table } };
  const destination = { type: 'HYDROLIX', spec: { table: 'chunk_dest' } };
  const schema: TableSchema = await new MockActivityEnvironment().run(activities.readSourceSchema, source);
  await new MockActivityEnvironment().run(activities.createDestinationTable, { destination, schema });
  return { chunkIndex: 0, range: { after: null, upTo: null }, source, destination, schema, batchRows: 100, mayHaveLanded: false };
}

it('throws when cancelled mid-chunk instead of reporting a partial chunk as done', async () => {
  const chunk = await input();
  emulator.state.setDelay({ ms: 50, path: 'ingest' });
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => {
    beats.push(d);
    if (beats.length === 3) env.cancel();
  });
  await expect(env.run(activities.copyChunk, chunk)).rejects.toBeInstanceOf(CancelledFailure);
  const landed = emulator.state.rows('chunks', 'chunk_dest').rows.length;
  expect(landed).toBeGreaterThan(0);
  expect(landed).toBeLessThan(5_000);

  // The retry (same heartbeat details, new attempt) finishes the chunk without duplicating rows.
  emulator.state.clearDelays();
  const last = beats.filter((b) => b !== undefined).at(-1);
  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: last });
  const result = (await retry.run(activities.copyChunk, chunk)) as { rows: number };
  expect(result.rows).toBe(5_000);
  const ids = emulator.state.rows('chunks', 'chunk_dest').rows.map((r) => String(r.id));
  expect(ids.length).toBe(5_000);
  expect(new Set(ids).size).toBe(5_000);
});
