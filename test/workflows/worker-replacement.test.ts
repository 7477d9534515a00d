/**
 * A rolling upgrade as an operator does it: the running worker process gets SIGTERM mid-copy
 * (graceful shutdown: chunks in flight are cancelled after the grace time and keep their last
 * heartbeat), a new worker process starts, and the migration completes with every row exactly
 * once. Replay tests (replay.test.ts) cover the other half of an upgrade: the new code replays
 * the runs the old one started.
 */
import { expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { seedSales } from '../../scripts/seed-sales';
import { stopProcess, waitForExit } from '../../scripts/lib/processes';
import { MARIADB_URL } from '../support/mariadb';
import { expectExactlyOnce, waitForStatus } from '../support/migrations';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';

const ROWS = 20_000;
const project = 'upgrade_test';
const ctx = seededStack({ prefix: 'upg_sales', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t), inProcessWorker: false });

it('completes exactly once when its worker process is replaced mid-copy (SIGTERM, then a new process)', { timeout: 300_000 }, async () => {
  // Slow writes so the replacement lands mid-chunk; a short grace so the old worker gives its chunks up quickly.
  ctx.stack.emulator.state.setDelay({ ms: 150, path: 'ingest' });
  ctx.stack.workerEnv.WORKER_SHUTDOWN_GRACE = '1s';
  const old = ctx.stack.spawnWorker();

  const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'upgrade test',
    source_type: 'SINGLESTORE',
    source_config: { table: ctx.table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'upgrade_dest' },
    options: { chunk_rows: 2_500, batch_rows: 250, parallelism: 2 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  // Some chunks are done, others in flight.
  const midCopy = await waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
      return s.chunks_done >= 2 ? s : undefined;
    },
    120_000,
    'two finished chunks',
    100,
  );
  expect(midCopy.chunks_done).toBeLessThan(midCopy.chunks_total);
  await stopProcess(old, 'SIGTERM', 30_000);
  expect(old.signalCode).toBeNull(); // it shut down by itself, not killed

  const replacement = ctx.stack.spawnWorker();
  const done = await waitForStatus(ctx.stack, id, ['completed'], 240_000);
  expect(done.rows_copied).toBe(ROWS);
  expect(expectExactlyOnce(ctx.stack, project, 'upgrade_dest', ROWS)).toBeGreaterThanOrEqual(0);

  // Chunks were copied by both processes, and a chunk the old one gave up was taken up again by the new one.
  const events = (await ctx.stack.temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const started = events.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && e.activityTaskStartedEventAttributes);
  const copies = started.filter((e) => {
    const scheduled = events.find((s) => Number(s.eventId) === Number(e.activityTaskStartedEventAttributes!.scheduledEventId));
    return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === 'copyChunk';
  });
  expect(new Set(copies.map((e) => e.activityTaskStartedEventAttributes!.identity)).size).toBe(2);
  expect(copies.some((e) => (e.activityTaskStartedEventAttributes!.attempt ?? 1) > 1)).toBe(true);
  replacement.kill('SIGTERM');
  await waitForExit(replacement);
});
