/**
 * Large tables: the workflow continues-as-new before its history grows large, carrying its
 * state, and the copy still lands every row exactly once. The dev server's dynamic config
 * lowers the history size at which Temporal suggests continue-as-new.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { expectExactlyOnce, waitForStatus } from '../support/migrations';
import { api, startStack, type Stack } from '../support/stack';

const ROWS = 30_000;
const table = uniqueName('es_can');
let stack: Stack;

beforeAll(async () => {
  await seedSales(MARIADB_URL, ROWS, table);
  stack = await startStack({ project: 'can_test', dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 } });
  await stack.startInProcessWorker();
});

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

it('continues as new several times and still copies every row once', async () => {
  const res = await api(stack.app, 'POST', '/api/migrations', {
    name: 'many chunks',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'many_chunks' },
    options: { chunk_rows: 1_000, batch_rows: 1_000, parallelism: 2 },
  });
  expect(res.status).toBe(201);
  const done = await waitForStatus(stack, res.body.id, ['completed']);
  expect(done.chunks_total).toBeGreaterThanOrEqual(30);
  expect(done.runs).toBeGreaterThan(2);
  expect(done.rows_copied).toBe(ROWS);
  expect(done.progress).toBe(100);
  expect(expectExactlyOnce(stack, 'can_test', 'many_chunks', ROWS)).toBe(0);

  // Each run's history stayed small, and the list shows the migration once (not once per run).
  const runs = [];
  for await (const info of stack.temporal.client.workflow.list({ query: `WorkflowId = '${res.body.id}'` })) runs.push(info);
  expect(runs.length).toBe(done.runs);
  for (const run of runs) expect(run.historyLength).toBeLessThan(200);
  const list = await api(stack.app, 'GET', '/api/migrations');
  expect(list.body.migrations.filter((m: { id: string }) => m.id === res.body.id)).toHaveLength(1);
  console.log(`continue-as-new: ${done.runs} runs for ${done.chunks_total} chunks`);
});
