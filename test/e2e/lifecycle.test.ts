/**
 * Cancel, permanent failure, retry and reset: each ends with every source row exactly once at
 * the destination, and a retried or reset run resumes instead of starting over.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { expectExactlyOnce, getMigration, waitForChunks, waitForStatus } from '../support/migrations';
import { api } from '../support/stack';
import { seededStack } from '../support/seeded-stack';

const ROWS = 40_000;
const project = 'lifecycle';
const ctx = seededStack({ prefix: 'es_life', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t) });
const { table } = ctx;

beforeEach(() => {
  ctx.stack.emulator.state.clearFaults();
  ctx.stack.emulator.state.clearDelays();
});

async function start(dest: string) {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: `lifecycle ${dest}`,
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: dest },
    options: { chunk_rows: 2_000, batch_rows: 500, parallelism: 2 },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('migration lifecycle', () => {
  it('cancels within seconds, then retry resumes and completes exactly once', async () => {
    ctx.stack.emulator.state.setDelay({ ms: 100, path: 'ingest' });
    const id = await start('cancelled');
    await waitForChunks(ctx.stack, id, 3);
    const asked = Date.now();
    const cancel = await api(ctx.stack.app, 'POST', `/api/migrations/${id}/cancel`);
    expect(cancel.status).toBe(202);
    const cancelled = await waitForStatus(ctx.stack, id, ['cancelled'], 30_000);
    const cancelMs = Date.now() - asked;
    expect(cancelMs).toBeLessThan(10_000);
    expect(cancelled.chunks_done).toBeLessThan(cancelled.chunks_total);
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${id}/cancel`)).status).toBe(409);

    // Nothing copied so far is duplicated, and the copy did stop short.
    const partial = ctx.stack.emulator.state.rows(project, 'cancelled').rows.map((r) => String(r.id));
    expect(new Set(partial).size).toBe(partial.length);
    expect(partial.length).toBeLessThan(ROWS);

    ctx.stack.emulator.state.clearDelays();
    const retried = await api(ctx.stack.app, 'POST', `/api/migrations/${id}/retry`);
    expect(retried.status).toBe(202);
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done).toMatchObject({ rows_copied: ROWS, rows_total: ROWS, progress: 100, runs: 2 });
    expect(done.verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });
    expectExactlyOnce(ctx.stack, project, 'cancelled', ROWS);
    console.log(`lifecycle: cancel took ${cancelMs} ms`);
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${id}/retry`)).status).toBe(409);
  });

  it('fails fast on a destination 4xx, and retry resumes from the last finished chunk', async () => {
    const id = await start('rejected');
    ctx.stack.emulator.state.setDelay({ ms: 50, path: 'ingest' });
    const before = await waitForChunks(ctx.stack, id, 4);
    const received = ctx.stack.emulator.state.getStats().rowsReceived;
    ctx.stack.emulator.state.injectFault({ status: 400, count: 1_000_000, path: 'ingest' });
    const failedAt = Date.now();
    const failed = await waitForStatus(ctx.stack, id, ['failed'], 30_000);
    expect(Date.now() - failedAt).toBeLessThan(15_000); // permanent: no retry storm
    expect(failed.error).toMatch(/400/);
    expect(failed.chunks_done).toBeGreaterThanOrEqual(before.chunks_done);

    ctx.stack.emulator.state.clearFaults();
    ctx.stack.emulator.state.clearDelays();
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${id}/retry`)).status).toBe(202);
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done.rows_copied).toBe(ROWS);
    expectExactlyOnce(ctx.stack, project, 'rejected', ROWS);
    // Chunks finished before the failure were not sent again.
    const sentAfterFailure = ctx.stack.emulator.state.getStats().rowsReceived - received;
    expect(sentAfterFailure).toBeLessThanOrEqual(ROWS - before.chunks_done * 2_000);
  });

  it('a reset through the client (as from the Web UI) resumes instead of starting over', async () => {
    const id = await start('reset');
    await waitForChunks(ctx.stack, id, 3);
    ctx.stack.emulator.state.injectFault({ status: 400, count: 1_000_000, path: 'ingest' });
    await waitForStatus(ctx.stack, id, ['failed'], 30_000);
    ctx.stack.emulator.state.clearFaults();

    const handle = ctx.stack.temporal.client.workflow.getHandle(id);
    const desc = await handle.describe();
    const history = await handle.fetchHistory();
    // Reset to the very first workflow task: the harshest reset, which replays nothing of the copy.
    const firstTask = (history.events ?? []).find((e) => e.workflowTaskCompletedEventAttributes);
    await ctx.stack.temporal.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: id, runId: desc.runId },
      reason: 'test: reset like the Web UI',
      workflowTaskFinishEventId: firstTask!.eventId,
      requestId: randomUUID(),
    });
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done.rows_copied).toBe(ROWS);
    expectExactlyOnce(ctx.stack, project, 'reset', ROWS);
    expect((await getMigration(ctx.stack, id)).verification.ok).toBe(true);
  });
});
