/**
 * Fail fast on configuration: a worker without HYDROLIX_URL fails a migration into Hydrolix within
 * seconds, without retrying, and the error names the variable to set.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { api, startStack, type Stack } from '../support/stack';

const table = uniqueName('es_ff');
let stack: Stack;

beforeAll(async () => {
  await seedSales(MARIADB_URL, 100, table);
  stack = await startStack({ project: 'ff' });
  delete stack.workerEnv.HYDROLIX_URL;
  await stack.startInProcessWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

it('a destination not configured on the worker fails the run at once, naming the variable', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const res = await api(stack.app, 'POST', '/api/migrations', {
    name: 'no hydrolix url',
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'ff_sales', timestamp_column: 'date' },
  });
  expect(res.status).toBe(201);
  const failed = await waitForStatus(stack, res.body.id, ['failed'], 15_000);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(failed.error).toContain('HYDROLIX_URL');
  expect(failed.error).toContain('not configured on the worker');
  // Non-retryable: the step ran once.
  const history = (await stack.temporal.client.workflow.getHandle(res.body.id).fetchHistory()).events ?? [];
  const attempts = history
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_local_activity');
  expect(attempts.length).toBeLessThanOrEqual(1);
});
