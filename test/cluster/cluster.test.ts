/**
 * Epic Shelter on the production Temporal server (`npm run cluster`'s startCluster: PostgreSQL
 * persistence and advanced visibility, the Web UI server in front), as a deployment runs it: two
 * worker processes polling one task queue and the API. The README's first API example, "Monthly
 * Sales Migration" (a SingleStore table seeded like `sales_data`, MariaDB standing in, read through
 * its `date >= '2024-01-01'` query into the Hydrolix table `sales_history`, the emulator standing
 * in), copies about 250,000 rows, completes through a SIGKILL of one worker mid-copy, exactly once,
 * and is then found the ways an operator looks for it: a search-attribute query in the Temporal
 * CLI, the API's filtered list, and the Web UI's workflow filter (screenshot in
 * docs/screenshots/web-ui-filter.png).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { ROOT, spawnWorker, stopProcess, waitForExit } from '../../scripts/lib/processes';
import { ensureTemporalCli } from '../../scripts/lib/temporal-cli';
import { seedSales } from '../../scripts/seed-sales';
import { startHydrolixEmulator, type EmulatorHandle } from '../hydrolix-emulator';
import { hydrolixEnvFor, startTestCluster, workerEnvFor, type TestCluster } from '../support/cluster';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { EMULATOR_USER, api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';

const SEEDED = 300_000;
const BATCH = 2_000;
const source = uniqueName('cl_sales_data');
// The cluster's databases and the emulator are this file's own, so the README's names need no suffix.
const project = 'epic_shelter';
const dest = 'sales_history';
const sourceQuery = `SELECT * FROM ${source} WHERE date >= '2024-01-01'`;
const taskQueue = `cl-${Math.random().toString(36).slice(2, 8)}`;

let tc: TestCluster;
let emulator: EmulatorHandle;
let app: ReturnType<typeof createApp>;
const workers: ChildProcess[] = [];
let migrationId = '';

beforeAll(async () => {
  await seedSales(MARIADB_URL, SEEDED, source);
  emulator = await startHydrolixEmulator({ port: 0, users: [EMULATOR_USER] });
  tc = await startTestCluster({ databases: { main: 'es_cltest', visibility: 'es_cltest_visibility' }, fresh: true, ui: true });
  app = createApp({ client: tc.client, connection: tc.connection, taskQueue });
}, 300_000);

afterAll(async () => {
  for (const w of workers) await stopProcess(w, 'SIGKILL');
  await tc?.stop();
  await emulator?.close();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${source}\``);
  await db.end();
});

/** One row of a Hydrolix query (the emulator's /query: ClickHouse over the stored rows). */
async function hydrolixQuery(sql: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${emulator.url}/query`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${EMULATOR_USER.username}:${EMULATOR_USER.password}`).toString('base64')}` },
    body: `${sql} FORMAT JSON`,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Array<Record<string, unknown>> }).data[0];
}

/** What the example's query selects from the source: count, key sum and quantity sum. */
async function sourceTally(): Promise<{ n: number; keys: string; quantity: string }> {
  const db = await mariadb();
  try {
    const [rows] = await db.query(`SELECT count(*) AS n, CAST(sum(id) AS CHAR) AS k, CAST(sum(quantity) AS CHAR) AS q FROM (${sourceQuery}) s`);
    const r = (rows as Array<{ n: unknown; k: string; q: string }>)[0];
    return { n: Number(r.n), keys: r.k, quantity: r.q };
  } finally {
    await db.end();
  }
}

async function migration(id: string) {
  return (await api(app, 'GET', `/api/migrations/${id}`)).body;
}

/** Pollers of the task queue's activity tasks (each worker process polls as its own identity). */
async function activityPollers(): Promise<string[]> {
  const res = await tc.connection.workflowService.describeTaskQueue({
    namespace: tc.cluster.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 2 /* ACTIVITY */,
  });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

describe('on the production Temporal server', () => {
  it('copies exactly once through a SIGKILL of one of two worker processes mid-copy', { timeout: 420_000 }, async () => {
    // One chunk at a time per worker and two chunks in flight: each worker holds one when the kill lands.
    const env = workerEnvFor(
      { TEMPORAL_ADDRESS: tc.cluster.address, TEMPORAL_TASK_QUEUE: taskQueue },
      { ...hydrolixEnvFor(emulator.url, project), WORKER_MAX_CONCURRENT_COPIES: '1' },
    );
    workers.push(spawnWorker(env, ['ignore', 'ignore', 'inherit']), spawnWorker(env, ['ignore', 'ignore', 'inherit']));
    const pollers = await waitFor(async () => ((await activityPollers()).length >= 2 ? activityPollers() : undefined), 60_000, 'two activity pollers');
    expect(new Set(pollers).size).toBe(2);

    const expected = await sourceTally();
    expect(expected.n).toBeGreaterThan(200_000);
    expect(expected.n).toBeLessThan(SEEDED);
    const created = await api(app, 'POST', '/api/migrations', {
      name: 'Monthly Sales Migration',
      source_type: 'SINGLESTORE',
      source_config: { table: source, query: sourceQuery },
      destination_type: 'HYDROLIX',
      destination_config: { table: dest },
      options: { chunk_rows: 25_000, batch_rows: BATCH, parallelism: 2 },
    });
    expect(created.status).toBe(201);
    migrationId = created.body.id;

    const beforeKill = await waitFor(
      async () => {
        const m = await migration(migrationId);
        if (['completed', 'failed', 'cancelled'].includes(m.status)) throw new StopWaiting(`migration ended ${m.status} (${m.error}) before the kill`);
        return m.chunks_done >= 2 ? m : undefined;
      },
      240_000,
      'two finished chunks',
      100,
    );
    // The victim is a worker holding a started chunk copy right now (identity `pid@host`).
    const victim = await waitFor(
      async () => {
        const { raw } = await tc.client.workflow.getHandle(migrationId).describe();
        const holders = (raw.pendingActivities ?? [])
          .filter((a) => a.activityType?.name === 'copyChunk' && a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
          .map((a) => Number((a.lastWorkerIdentity ?? '').split('@')[0]));
        return workers.find((w) => holders.includes(w.pid ?? -1));
      },
      30_000,
      'a worker holding a chunk',
      50,
    );
    const survivor = workers.find((w) => w !== victim)!;
    victim.kill('SIGKILL');
    await waitForExit(victim);
    expect(beforeKill.chunks_done).toBeLessThan(beforeKill.chunks_total);

    const final = await waitFor(
      async () => {
        const m = await migration(migrationId);
        if (['failed', 'cancelled'].includes(m.status)) throw new StopWaiting(`migration ended ${m.status}: ${m.error}`);
        return m.status === 'completed' ? m : undefined;
      },
      300_000,
      'the migration to complete',
      250,
    );
    expect(survivor.exitCode).toBeNull();
    const rows = expected.n;
    expect(final.rows_copied).toBe(rows);
    expect(final.verification).toEqual({
      source_rows: rows,
      destination_rows: rows,
      source_key_sum: expected.keys,
      destination_key_sum: expected.keys,
      destination_distinct_keys: rows,
      duplicates: 0,
      ok: true,
    });
    // Every selected row once in the Hydrolix table, none from before the query's date.
    const landed = await hydrolixQuery(
      `SELECT count() AS n, uniqExact(id) AS d, toString(sum(id)) AS k, toString(sum(quantity)) AS q, toString(min(date)) AS first FROM ${project}.${dest}`,
    );
    expect(Number(landed.n)).toBe(rows);
    expect(Number(landed.d)).toBe(rows);
    expect(landed.k).toBe(expected.keys);
    expect(landed.q).toBe(expected.quantity);
    expect(String(landed.first) >= '2024-01-01').toBe(true);
    // Resumed chunks ask what landed first: at most the killed worker's batch in flight is sent twice.
    const stats = emulator.state.getStats();
    expect(stats.rowsRejected).toBe(0);
    expect(stats.rowsReceived - rows).toBeGreaterThanOrEqual(0);
    expect(stats.rowsReceived - rows).toBeLessThanOrEqual(BATCH);

    // The chunk the killed worker held ran again (on the survivor) after its heartbeat timed out;
    // finished chunks were not scheduled twice.
    const events = (await tc.client.workflow.getHandle(migrationId).fetchHistory()).events ?? [];
    const copies = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'copyChunk');
    expect(copies.length).toBe(final.chunks_total);
    expect(events.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toBe(true);
    console.log(
      `cluster: killed a worker after ${beforeKill.chunks_done}/${beforeKill.chunks_total} chunks; ${rows} rows copied exactly once, ${stats.rowsReceived - rows} re-sent`,
    );
  });

  const query = () => `MigrationStatus='completed' AND SourceType='SINGLESTORE' AND DestinationType='HYDROLIX' AND DestinationTable='${dest}'`;

  it('is found by a search-attribute query in the Temporal CLI and by the API list filter', async () => {
    expect(migrationId).not.toBe('');
    const cli = ensureTemporalCli();
    // Visibility is written asynchronously after the run closes.
    const listed = await waitFor(
      async () => {
        const { stdout } = await promisify(execFile)(cli, [
          'workflow', 'list', '--address', tc.cluster.address, '--namespace', tc.cluster.namespace, '--query', query(), '--output', 'json',
        ]);
        const runs = JSON.parse(stdout || '[]') as Array<{ execution: { workflowId: string }; status: string }>;
        return runs.length > 0 ? runs : undefined;
      },
      30_000,
      'the CLI to list the run',
      500,
    );
    expect(listed.map((r) => r.execution.workflowId)).toEqual([migrationId]);
    expect(String(listed[0].status)).toMatch(/COMPLETED/);

    // Every list filter of the API is a query PostgreSQL visibility accepts, and finds the run or not.
    const ids = async (query: string) => {
      const page = await api(app, 'GET', `/api/migrations?${query}`);
      expect(page.status, query).toBe(200);
      return page.body.migrations.map((m: { id: string }) => m.id) as string[];
    };
    expect(await ids('status=completed&source_type=SINGLESTORE&destination_type=HYDROLIX')).toEqual([migrationId]);
    // Whole words in any case, though PostgreSQL visibility matches Text attributes case-sensitively.
    expect(await ids('name=sales')).toEqual([migrationId]);
    expect(await ids('name=Sales')).toEqual([migrationId]);
    expect(await ids('name=MONTHLY%20sales')).toEqual([migrationId]);
    expect(await ids('')).toEqual([migrationId]);
    for (const other of ['status=pending,running', 'status=failed', 'status=cancelled', 'source_type=POSTGRES', 'destination_type=POSTGRES', 'name=nothing']) {
      expect(await ids(other), other).toEqual([]);
    }
  });

  it('is found by the Web UI workflow filter', { timeout: 120_000 }, async () => {
    expect(migrationId).not.toBe('');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const url = `${tc.cluster.uiUrl}/namespaces/${tc.cluster.namespace}/workflows?query=${encodeURIComponent(query())}`;
      await page.goto(url);
      const row = page.getByRole('link', { name: migrationId });
      await row.first().waitFor({ state: 'visible', timeout: 60_000 });
      const dir = join(ROOT, 'docs', 'screenshots');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'web-ui-filter.png') });
      // Only the run the filter matches is listed.
      expect(await page.getByRole('link', { name: /^mig-/ }).count()).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
