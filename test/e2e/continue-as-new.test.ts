/**
 * Large tables: the workflow continues-as-new before its history grows large, carrying its
 * state, and the copy still lands every row exactly once. The dev server's dynamic config
 * lowers the history size at which Temporal suggests continue-as-new.
 */
import { expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { expectExactlyOnce, waitForStatus } from '../support/migrations';
import { api } from '../support/stack';
import { seededStack } from '../support/seeded-stack';

const ROWS = 30_000;
const ctx = seededStack({
  prefix: 'es_can',
  project: 'can_test',
  seed: (t) => seedSales(MARIADB_URL, ROWS, t),
  dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 },
});
const { table } = ctx;

it('continues as new several times and still copies every row once', async () => {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'many chunks',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'many_chunks' },
    options: { chunk_rows: 1_000, batch_rows: 1_000, parallelism: 2 },
  });
  expect(res.status).toBe(201);
  const done = await waitForStatus(ctx.stack, res.body.id, ['completed']);
  expect(done.chunks_total).toBeGreaterThanOrEqual(30);
  expect(done.runs).toBeGreaterThan(2);
  expect(done.rows_copied).toBe(ROWS);
  expect(done.progress).toBe(100);
  expect(expectExactlyOnce(ctx.stack, 'can_test', 'many_chunks', ROWS)).toBe(0);

  // Each run's history stayed small, and the list shows the migration once (not once per run).
  const runs = [];
  for await (const info of ctx.stack.temporal.client.workflow.list({ query: `WorkflowId = '${res.body.id}'` })) runs.push(info);
  expect(runs.length).toBe(done.runs);
  for (const run of runs) expect(run.historyLength).toBeLessThan(200);
  const list = await api(ctx.stack.app, 'GET', '/api/migrations');
  expect(list.body.migrations.filter((m: { id: string }) => m.id === res.body.id)).toHaveLength(1);
  console.log(`continue-as-new: ${done.runs} runs for ${done.chunks_total} chunks`);
});
