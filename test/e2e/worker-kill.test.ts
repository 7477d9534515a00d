/**
 * Durability against a real crash: a worker PROCESS is SIGKILLed mid-copy, a new one is
 * started, and the migration completes with every row exactly once and without
 * re-copying the chunks that had finished before the kill.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALL_TYPES_DDL, insertAllTypesRows } from '../fixtures/all-types';
import { mariadb, uniqueName } from '../support/mariadb';
import { api, startStack, type Stack } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';
import { stopProcess, waitForExit } from '../../scripts/lib/processes';

const ROWS = 100_000;
const CHUNK = 5_000;
const BATCH = 1_000;
const table = uniqueName('es_kill');
const project = 'kill_test';
let stack: Stack;

beforeAll(async () => {
  const db = await mariadb();
  await db.query(ALL_TYPES_DDL(table));
  await insertAllTypesRows(db, table, ROWS, { safeDates: true });
  await db.end();
  stack = await startStack({ project });
});

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

it('completes exactly once after the worker process is SIGKILLed mid-copy', { timeout: 420_000 }, async () => {
  // Slow ingest down so the kill lands mid-copy with chunks on both sides of it.
  stack.emulator.state.setDelay({ ms: 40, path: 'ingest' });
  const first = stack.spawnWorker();

  const created = await api(stack.app, 'POST', '/api/migrations', {
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
      const s = (await api(stack.app, 'GET', `/api/migrations/${id}`)).body;
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

  const second = stack.spawnWorker();
  const final = await waitFor(
    async () => {
      const s = (await api(stack.app, 'GET', `/api/migrations/${id}`)).body;
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

  const stored = stack.emulator.state.rows(project, 'kill_dest').rows;
  const ids = stored.map((r) => String(r.id));
  expect(ids.length).toBe(ROWS);
  expect(new Set(ids).size).toBe(ROWS);
  const stats = stack.emulator.state.getStats();
  const resent = stats.rowsReceived - ROWS;
  // Finished chunks are never re-sent; at most the one batch in flight at the kill is.
  expect(resent).toBeGreaterThanOrEqual(0);
  expect(resent).toBeLessThanOrEqual(BATCH);
  expect(stats.rowsRejected).toBe(0);

  // The kill really interrupted a chunk: some copyChunk ran a second attempt (after its heartbeat timed out).
  const history = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
  const retriedAttempts = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
  expect(retriedAttempts.length).toBeGreaterThanOrEqual(1);
  console.log(`worker-kill: killed after ${chunksDoneAtKill}/${beforeKill.chunks_total} chunks; rows re-sent after the kill: ${resent}`);
});
