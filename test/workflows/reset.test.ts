/**
 * Resetting a failed run in the Web UI to a point in the middle of its copy: the reset run keeps
 * the chunks finished before that point and copies the rest, chunks the failed run had already
 * written (after that point) included, without writing any row twice (Hydrolix appends, so a row
 * sent again would be a duplicate).
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { expectExactlyOnce, waitForChunks, waitForStatus } from '../support/migrations';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';

const ROWS = 6_000;
const project = 'reset_test';
const ctx = seededStack({ prefix: 'reset_sales', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t) });
const { EVENT_TYPE_ACTIVITY_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_COMPLETED } = temporal.api.enums.v1.EventType;

it('a run reset to just after its first chunk finishes without writing a row twice', { timeout: 240_000 }, async () => {
  const state = ctx.stack.emulator.state;
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'reset mid-copy',
    source_type: 'SINGLESTORE',
    source_config: { table: ctx.table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'reset_mid' },
    options: { chunk_rows: 1_000, batch_rows: 250, parallelism: 1 },
  });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  // Three chunks land, then the destination refuses everything: the run fails with part of chunk 4 written or not.
  state.setDelay({ ms: 40, path: 'ingest' });
  await waitForChunks(ctx.stack, id, 3);
  state.injectFault({ status: 400, count: 1_000_000, path: 'ingest' });
  await waitForStatus(ctx.stack, id, ['failed'], 60_000);
  state.clearFaults();
  state.clearDelays();
  const landedBefore = state.rows(project, 'reset_mid').rows.length;
  expect(landedBefore).toBeGreaterThanOrEqual(3_000);

  // The point the README recommends against for speed but allows: the workflow task after the FIRST finished chunk.
  const handle = ctx.stack.temporal.client.workflow.getHandle(id);
  const events = (await handle.fetchHistory()).events ?? [];
  const firstChunkDone = events.find(
    (e) => e.eventType === EVENT_TYPE_ACTIVITY_TASK_COMPLETED && events.find((s) => Number(s.eventId) === Number(e.activityTaskCompletedEventAttributes?.scheduledEventId))?.activityTaskScheduledEventAttributes?.activityType?.name === 'copyChunk',
  )!;
  const point = events.find((e) => e.eventType === EVENT_TYPE_WORKFLOW_TASK_COMPLETED && Number(e.eventId) > Number(firstChunkDone.eventId))!;
  const desc = await handle.describe();
  await ctx.stack.temporal.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: id, runId: desc.runId },
    reason: 'test: reset mid-copy like the Web UI',
    workflowTaskFinishEventId: point.eventId,
    requestId: randomUUID(),
  });
  const done = await waitForStatus(ctx.stack, id, ['completed']);
  expect(done.rows_copied).toBe(ROWS);
  // Every row exactly once: chunks 2 and 3 (written by the failed run after the reset point) were not sent again.
  expectExactlyOnce(ctx.stack, project, 'reset_mid', ROWS);
  expect(done.verification.ok).toBe(true);
});
