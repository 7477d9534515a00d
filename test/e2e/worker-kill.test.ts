/**
 * Durability against a real crash: a worker PROCESS is SIGKILLed mid-copy, a new one is
 * started, and the migration completes with every row exactly once and without
 * re-copying the chunks that had finished before the kill.
 */
import { expect, it } from 'vitest';
import { seedAllTypes } from '../fixtures/all-types';
import { MARIADB_URL } from '../support/mariadb';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';
import { stopProcess, waitForExit } from '../../scripts/lib/processes';

const ROWS = 100_000;
const CHUNK = 5_000;
const BATCH = 1_000;
const project = 'kill_test';
const ctx = seededStack({ prefix: 'es_kill', project, seed: (t) => seedAllTypes(MARIADB_URL, t, ROWS), inProcessWorker: false });
const { table } = ctx;

it('completes exactly once after the worker process is SIGKILLed mid-copy', { timeout: 420_000 }, async () => {
  // Slow ingest down so the kill lands mid-copy with chunks on both sides of it.
  ctx.stack.emulator.state.setDelay({ ms: 40, path: 'ingest' });
  const first = ctx.stack.spawnWorker();

  const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'kill test',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'kill_dest', timestamp_column: 'ts_main' },
    options: { chunk_rows: CHUNK, batch_rows: BATCH, parallelism: 1 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  const beforeKill = await waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
      return s.chunks_done >= 4 ? s : undefined;
    },
    120_000,
    'four finished chunks',
    100,
  );
  first.kill('SIGKILL');
  await waitForExit(first);
  const chunksDoneAtKill = beforeKill.chunks_done as number;
  expect(chunksDoneAtKill).toBeLessThan(beforeKill.chunks_total);

  const second = ctx.stack.spawnWorker();
  const final = await waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
      return s.status === 'completed' ? s : undefined;
    },
    240_000,
    'completion after restart',
    500,
  );
  await stopProcess(second);

  expect(final.rows_copied).toBe(ROWS);
  expect(final.rows_total).toBe(ROWS);
  expect(final.progress).toBe(100);

  const stored = ctx.stack.emulator.state.rows(project, 'kill_dest').rows;
  const ids = stored.map((r) => String(r.id));
  expect(ids.length).toBe(ROWS);
  expect(new Set(ids).size).toBe(ROWS);
  const stats = ctx.stack.emulator.state.getStats();
  const resent = stats.rowsReceived - ROWS;
  // Finished chunks are never re-sent; at most the one batch in flight at the kill is.
  expect(resent).toBeGreaterThanOrEqual(0);
  expect(resent).toBeLessThanOrEqual(BATCH);
  expect(stats.rowsRejected).toBe(0);

  // The kill really interrupted a chunk: some copyChunk ran a second attempt (after its heartbeat timed out).
  const history = await ctx.stack.temporal.client.workflow.getHandle(id).fetchHistory();
  const retriedAttempts = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
  expect(retriedAttempts.length).toBeGreaterThanOrEqual(1);
  console.log(`worker-kill: killed after ${chunksDoneAtKill}/${beforeKill.chunks_total} chunks; rows re-sent after the kill: ${resent}`);
});
