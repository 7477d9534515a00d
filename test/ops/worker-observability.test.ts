/**
 * A real worker process (the compiled dist/) against a real Temporal dev server, MariaDB,
 * PostgreSQL and the Hydrolix emulator: its Prometheus endpoint shows rows, bytes and chunks per
 * migration type after runs, its JSON log lines carry the run's migration id and no secret, and
 * its health endpoint answers 200 while it polls.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, stopProcess } from '../../scripts/lib/processes';
import { seedSales } from '../../scripts/seed-sales';
import { waitForStatus } from '../support/migrations';
import { mariadb, MARIADB_URL, uniqueName } from '../support/mariadb';
import { freePort } from '../support/ports';
import { TEST_PG_URL, toPostgres, withPostgres } from '../support/postgres';
import { api, startStack, EMULATOR_USER, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { metricValue, parsePrometheus, type Sample } from './prometheus';

const ROWS = 6_000;
const table = uniqueName('ops_obs');
const pgTable = uniqueName('ops_obs_pg');
/** A password in a source URL the worker holds: it must never reach the log. */
const PG_PASSWORD = 'ops-Pg-Pa55word-never-logged';

let stack: Stack;
let worker: ChildProcess;
const lines: string[] = [];
let metricsPort: number;
let healthPort: number;

function pgUrlWithPassword(): string {
  const url = new URL(TEST_PG_URL);
  url.password = PG_PASSWORD; // trust authentication ignores it; the worker still holds it as a secret
  return url.toString();
}

beforeAll(async () => {
  await seedSales(MARIADB_URL, ROWS, table);
  stack = await startStack({ project: 'ops_obs' });
  metricsPort = await freePort();
  healthPort = await freePort();
  worker = spawnWorker(
    {
      ...stack.workerEnv,
      POSTGRES_URL: pgUrlWithPassword(),
      // One retry inside an attempt: an outage of two answers fails the attempt, and Temporal retries it.
      HYDROLIX_MAX_RETRIES: '1',
      WORKER_METRICS_PORT: String(metricsPort),
      WORKER_HEALTH_PORT: String(healthPort),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    },
    ['ignore', 'pipe', 'pipe'],
  );
  let buffered = '';
  worker.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  worker.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  await waitFor(async () => lines.some((l) => l.includes('worker polling')) || undefined, 60_000, 'the worker to poll');
});

afterAll(async () => {
  if (worker) await stopProcess(worker, 'SIGTERM');
  await stack?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
  await withPostgres([pgTable], async () => undefined);
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

async function migrate(body: Record<string, unknown>): Promise<string> {
  const res = await api(stack.app, 'POST', '/api/migrations', body);
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const done = await waitForStatus(stack, id, ['completed']);
  expect(done.rows_copied).toBe(ROWS);
  return id;
}

describe('worker observability', () => {
  let hydrolixId: string;
  let postgresId: string;

  it('answers 200 on its health endpoint while it polls', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', state: 'RUNNING', task_queue: stack.taskQueue });
  });

  it('exports rows, bytes and chunks per migration type, and the SDK metrics', async () => {
    hydrolixId = await migrate({
      name: 'ops metrics hydrolix',
      source_type: 'SINGLESTORE',
      source_config: { table },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'ops_obs' },
      options: { chunk_rows: 2_000, parallelism: 2 },
    });
    postgresId = await migrate(toPostgres('ops metrics postgres', table, pgTable, { options: { chunk_rows: 3_000, parallelism: 2 } }));

    const samples = await scrape();
    // The activity metric meter's own labels are the SDK's: activityType, namespace, taskQueue.
    const toHydrolix = { source_type: 'SINGLESTORE', destination_type: 'HYDROLIX', activityType: 'copyChunk', taskQueue: stack.taskQueue };
    const toPg = { source_type: 'SINGLESTORE', destination_type: 'POSTGRES', activityType: 'copyChunk', taskQueue: stack.taskQueue };
    expect(metricValue(samples, 'epic_shelter_rows_written', toHydrolix)).toBe(ROWS);
    expect(metricValue(samples, 'epic_shelter_rows_written', toPg)).toBe(ROWS);
    expect(metricValue(samples, 'epic_shelter_chunks_completed', toHydrolix)).toBe(3);
    expect(metricValue(samples, 'epic_shelter_chunks_completed', toPg)).toBe(2);
    // seedSales rows are well over 20 bytes of values each.
    expect(metricValue(samples, 'epic_shelter_bytes_written', toHydrolix)).toBeGreaterThan(ROWS * 20);
    expect(metricValue(samples, 'epic_shelter_bytes_written', toPg)).toBeGreaterThan(ROWS * 20);
    expect(metricValue(samples, 'epic_shelter_chunk_duration_count', toHydrolix)).toBe(3);
    // The SDK's own metrics come from the same endpoint.
    expect(samples.some((s) => s.name.startsWith('temporal_activity_execution_latency'))).toBe(true);
    expect(samples.some((s) => s.name === 'temporal_worker_start')).toBe(true);
  });

  it('counts activity retries and errors per migration type', async () => {
    // More 503s than one attempt's own retries absorb: the first chunk's attempt fails (retryable) and
    // Temporal runs it again, until the outage is over.
    stack.emulator.state.injectFault({ status: 503, count: 8, path: 'ingest' });
    const retried = await migrate({
      name: 'ops metrics retried',
      source_type: 'SINGLESTORE',
      source_config: { table },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'ops_obs_retried' },
      options: { chunk_rows: 3_000, parallelism: 1 },
    });
    // A 400 is permanent: the run fails without retrying.
    stack.emulator.state.injectFault({ status: 400, count: 1_000, path: 'ingest' });
    const res = await api(stack.app, 'POST', '/api/migrations', {
      name: 'ops metrics rejected',
      source_type: 'SINGLESTORE',
      source_config: { table },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'ops_obs_rejected' },
      options: { chunk_rows: 3_000, parallelism: 1 },
    });
    expect(res.status).toBe(201);
    await waitForStatus(stack, res.body.id, ['failed']);
    stack.emulator.state.clearFaults();

    const samples = await scrape();
    const toHydrolix = { source_type: 'SINGLESTORE', destination_type: 'HYDROLIX', activityType: 'copyChunk' };
    // Every retried attempt follows one failed attempt, and the last attempt succeeded.
    const retries = metricValue(samples, 'epic_shelter_activity_retries', toHydrolix);
    expect(retries).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'epic_shelter_activity_errors', { ...toHydrolix, retryable: 'true' })).toBe(retries);
    expect(metricValue(samples, 'epic_shelter_activity_errors', { ...toHydrolix, retryable: 'false', error_type: 'PermanentError' })).toBe(1);
    expect(metricValue(samples, 'epic_shelter_activity_errors', { destination_type: 'POSTGRES' })).toBeUndefined();
    const failedLine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.msg === 'activity attempt failed' && o.migration_id === retried);
    expect(failedLine).toMatchObject({ level: 'warn', retryable: 'true', attempt: 1, activity_type: 'copyChunk' });
  });

  it('a second worker on the same metrics port runs without metrics and says so', async () => {
    const second = spawnWorker({ ...stack.workerEnv, WORKER_METRICS_PORT: String(metricsPort), WORKER_HEALTH_PORT: '0', LOG_FORMAT: 'json' }, ['ignore', 'pipe', 'inherit']);
    let out = '';
    second.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    try {
      await waitFor(async () => out.includes('worker polling') || undefined, 60_000, 'the second worker to poll');
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((o) => String(o.msg).startsWith(`metrics on 127.0.0.1:${metricsPort} are off`))).toMatchObject({ level: 'warn', port: metricsPort });
      expect(lines.find((o) => String(o.msg).startsWith('worker polling'))).not.toHaveProperty('metrics_port');
    } finally {
      await stopProcess(second, 'SIGTERM');
    }
  });

  it('logs JSON lines that name the run and hold no secret', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const id of [hydrolixId, postgresId]) {
      const ofRun = parsed.filter((o) => o.migration_id === id);
      expect(ofRun.length).toBeGreaterThan(0);
      const chunk = ofRun.find((o) => o.msg === 'chunk copied');
      expect(chunk).toMatchObject({ level: 'info', service: 'worker', workflow_id: id, activity_type: 'copyChunk' });
      expect(typeof chunk!.time).toBe('string');
    }
    const all = lines.join('\n');
    expect(all).not.toContain(PG_PASSWORD);
    expect(all).not.toContain(EMULATOR_USER.password);
  });
});
