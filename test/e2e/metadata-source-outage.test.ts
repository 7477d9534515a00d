/**
 * A source that goes away mid-copy shows in the run's current details (the Web UI's "Current
 * Details") while Temporal retries the chunk, and is gone from them once the chunk finishes: the
 * MariaDB source is reached through a TCP proxy that is taken down and brought back.
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { waitForChunks, waitForStatus } from '../support/migrations';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const ROWS = 6_000;
const ctx = seededStack({ prefix: 'meta_src', project: 'meta_src', seed: (t) => seedSales(MARIADB_URL, ROWS, t), inProcessWorker: false });
let proxy: TcpProxy;

beforeAll(async () => {
  const target = new URL(MARIADB_URL);
  proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 3306) });
  const url = new URL(MARIADB_URL);
  url.port = String(proxy.port);
  // A named connection: `source_config.connection: "flaky"` reads SINGLESTORE_URL_FLAKY.
  ctx.stack.workerEnv.SINGLESTORE_URL_FLAKY = url.toString();
  await ctx.stack.startInProcessWorker();
});
afterAll(async () => {
  await proxy?.close();
});

const currentDetails = async (client: Client, id: string) =>
  (await client.workflow.getHandle(id).query<{ currentDetails?: string }>('__temporal_workflow_metadata').catch(() => undefined))?.currentDetails ?? '';

it('says which chunk fails to read its source and when it is retried, until it is copied', { timeout: 180_000 }, async () => {
  const { client } = ctx.stack.temporal;
  ctx.stack.emulator.state.setDelay({ ms: 80, path: 'ingest' });
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'Meta source outage',
    source_type: 'SINGLESTORE',
    source_config: { table: ctx.table, connection: 'flaky' },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'meta_src_outage' },
    options: { chunk_rows: 1_000, batch_rows: 100, parallelism: 1 },
  });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await waitForChunks(ctx.stack, id, 1);
  await proxy.down();
  const during = await waitFor(
    async () => {
      const d = await currentDetails(client, id);
      return /⚠ copyChunk attempt \d+ failed: .*, retrying in \d+ s \(chunk \d+\)/.test(d) ? d : undefined;
    },
    60_000,
    'the source failure in the current details',
    200,
  );
  expect(during).toContain('**Copying**');
  expect(during).not.toContain(String(proxy.port)); // endpoints are scrubbed like every failure message
  await proxy.up();
  ctx.stack.emulator.state.clearDelays();
  await waitForStatus(ctx.stack, id, ['completed'], 120_000);
  const after = await currentDetails(client, id);
  expect(after).toContain('**Completed**');
  expect(after).not.toContain('⚠');
});
