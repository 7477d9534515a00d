/**
 * The status API as a dashboard reads it: one list entry per migration (its latest run) with the
 * same numbers GET gives, for failed, retried and reset runs too; rates and ETA as soon as rows
 * move; answers that do not depend on a worker (a stopped worker process still leaves running
 * migrations "running" with their progress, finished ones with their results); pages and filters.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { getMigration, waitForChunks, waitForStatus } from '../support/migrations';
import { api } from '../support/stack';
import { seededStack } from '../support/seeded-stack';
import { waitFor } from '../support/wait';

const ROWS = 6_000;
const project = 'status_test';
const ctx = seededStack({ prefix: 'es_status', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t), inProcessWorker: false });
const { table } = ctx;
let worker: ChildProcess;

beforeAll(() => {
  worker = ctx.stack.spawnWorker();
});
afterAll(() => {
  // Never leave it stopped: stack.stop() kills it either way.
  if (worker.exitCode === null) worker.kill('SIGCONT');
});
beforeEach(() => {
  ctx.stack.emulator.state.clearFaults();
  ctx.stack.emulator.state.clearDelays();
});

async function start(name: string, dest: string, options: Record<string, unknown> = { chunk_rows: 1_000, batch_rows: 500, parallelism: 1 }) {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name,
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: dest },
    options,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function list(query = '') {
  const res = await api(ctx.stack.app, 'GET', `/api/migrations${query}`);
  expect(res.status).toBe(200);
  return res.body as { migrations: Array<Record<string, any>>; next_page_token: string | null };
}

async function entriesOf(id: string) {
  return (await list('?page_size=200')).migrations.filter((m) => m.id === id);
}

/** Fails the run once `chunks` chunks are done (a permanent 400 from the destination). */
async function failAfter(id: string, chunks: number) {
  ctx.stack.emulator.state.setDelay({ ms: 50, path: 'ingest' });
  await waitForChunks(ctx.stack, id, chunks);
  ctx.stack.emulator.state.injectFault({ status: 400, count: 1_000_000, path: 'ingest' });
  const failed = await waitForStatus(ctx.stack, id, ['failed'], 60_000);
  ctx.stack.emulator.state.clearFaults();
  ctx.stack.emulator.state.clearDelays();
  return failed;
}

const ids: Record<string, string> = {};

describe('status of closed runs', () => {
  it('lists a failed run with its rows, total and error, as GET shows it', async () => {
    const id = (ids.retried = await start('Retried sales copy', 'st_retried'));
    const failed = await failAfter(id, 2);
    expect(failed.error).toMatch(/400/);
    const [entry] = await entriesOf(id);
    expect(entry).toMatchObject({ status: 'failed', rows_total: ROWS, error: failed.error, chunks_done: failed.chunks_done, phase: 'failed' });
    expect(entry.rows_copied).toBeGreaterThanOrEqual(2_000);
    expect(entry.rows_copied).toBe(failed.rows_copied);
    expect(entry.eta_seconds).toBeNull();
  });

  it('after a retry the migration is listed once: completed, 2 runs, verified', async () => {
    const id = ids.retried;
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${id}/retry`)).status).toBe(202);
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done).toMatchObject({ rows_copied: ROWS, rows_total: ROWS, runs: 2, progress: 100, eta_seconds: 0 });
    const entries = await waitFor(async () => {
      const e = await entriesOf(id);
      return e.length === 1 && e[0].status === 'completed' ? e : undefined;
    }, 10_000, 'the list to show the retried run only');
    expect(entries[0]).toMatchObject({ rows_copied: ROWS, rows_total: ROWS, runs: 2, error: null });
    expect(entries[0].verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });
    expect(entries[0].verification).toEqual(done.verification);
  });

  it('a reset counts as a run, and the reset migration is listed once', async () => {
    const id = (ids.reset = await start('Reset sales copy', 'st_reset'));
    await failAfter(id, 2);
    const handle = ctx.stack.temporal.client.workflow.getHandle(id);
    const desc = await handle.describe();
    const history = await handle.fetchHistory();
    const firstTask = (history.events ?? []).find((e) => e.workflowTaskCompletedEventAttributes);
    await ctx.stack.temporal.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: id, runId: desc.runId },
      reason: 'test: reset like the Web UI',
      workflowTaskFinishEventId: firstTask!.eventId,
      requestId: randomUUID(),
    });
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done).toMatchObject({ rows_copied: ROWS, runs: 2 });
    const entries = await waitFor(async () => {
      const e = await entriesOf(id);
      return e.length === 1 && e[0].status === 'completed' ? e : undefined;
    }, 10_000, 'the list to show the reset run only');
    expect(entries[0]).toMatchObject({ rows_copied: ROWS, runs: 2 });
  });
});

describe('status of running runs', () => {
  it('has rows_per_second and eta_seconds while the first chunk is still copying', async () => {
    ctx.stack.emulator.state.setDelay({ ms: 250, path: 'ingest' });
    const id = (ids.slow = await start('Slow single chunk', 'st_slow', { chunk_rows: 10_000, batch_rows: 200, parallelism: 1 }));
    const moving = await waitFor(async () => {
      const s = await getMigration(ctx.stack, id);
      return s.rows_copied >= 400 ? s : undefined;
    }, 60_000, 'rows to move');
    expect(moving).toMatchObject({ status: 'running', phase: 'copying', chunks_done: 0, chunks_total: 1, rows_total: ROWS });
    expect(moving.rows_per_second).toBeGreaterThan(0);
    expect(moving.eta_seconds).toBeGreaterThan(0);
    const [entry] = await entriesOf(id);
    expect(entry.rows_copied).toBeGreaterThanOrEqual(400);
    expect(entry.rows_per_second).toBeGreaterThan(0);
    expect(entry.eta_seconds).toBeGreaterThan(0);
  });

  it('with the worker process stopped, shows running migrations copying and finished ones with their results', async () => {
    const slow = ids.slow;
    const before = await getMigration(ctx.stack, slow);
    expect(before.status).toBe('running');
    worker.kill('SIGSTOP');
    try {
      const running = await getMigration(ctx.stack, slow);
      expect(running).toMatchObject({ status: 'running', phase: 'copying', rows_total: ROWS });
      expect(running.rows_copied).toBeGreaterThanOrEqual(before.rows_copied);
      const done = await getMigration(ctx.stack, ids.retried);
      expect(done).toMatchObject({ status: 'completed', rows_copied: ROWS, rows_total: ROWS, runs: 2 });
      expect(done.verification).toMatchObject({ ok: true });
      const page = await list('?page_size=200');
      expect(page.migrations.find((m) => m.id === slow)).toMatchObject({ status: 'running', phase: 'copying' });
      expect(page.migrations.find((m) => m.id === ids.reset)).toMatchObject({ status: 'completed', rows_copied: ROWS });
    } finally {
      worker.kill('SIGCONT');
    }
    ctx.stack.emulator.state.clearDelays();
    await waitForStatus(ctx.stack, slow, ['completed']);
  });
});

describe('pages and filters', () => {
  it('pages through every migration once', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page = await list(`?page_size=2${token ? `&page_token=${token}` : ''}`);
      expect(page.migrations.length).toBeLessThanOrEqual(2);
      seen.push(...page.migrations.map((m) => m.id));
      token = page.next_page_token;
      pages++;
    } while (token && pages < 20);
    expect(token).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(Object.values(ids)));
  });

  it('filters by status, connector types and words of the name', async () => {
    const pick = async (q: string) => (await list(q)).migrations.map((m) => m.id).sort();
    const all = Object.values(ids).sort();
    expect(await pick('?status=completed')).toEqual(all);
    expect(await pick('?status=failed,cancelled')).toEqual([]);
    expect(await pick('?status=running')).toEqual([]);
    expect(await pick('?source_type=SINGLESTORE&destination_type=HYDROLIX')).toEqual(all);
    expect(await pick('?destination_type=POSTGRES')).toEqual([]);
    expect(await pick('?name=sales')).toEqual([ids.retried, ids.reset].sort());
    expect(await pick('?name=RESET%20Sales')).toEqual([ids.reset]);
    expect(await pick('?name=chunk&status=completed')).toEqual([ids.slow]);
  });

  it('answers 400 for parameters it cannot use', async () => {
    for (const q of ['?page_size=0', '?page_size=1000', '?status=done', '?source_type=mysql', '?name=%20-%20', '?page_token=not%20a%20token', '?sort=name']) {
      const res = await api(ctx.stack.app, 'GET', `/api/migrations${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.fields.length, q).toBeGreaterThan(0);
    }
    const foreign = await api(ctx.stack.app, 'GET', '/api/migrations?page_token=AAAA');
    expect(foreign.status).toBe(400);
  });
});
