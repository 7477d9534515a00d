/**
 * The compose demo profile's chain without Docker: the database seeded by deploy/demo/seed.sql, the
 * emulator started by deploy/hydrolix-emulator.ts (listening on every interface), a worker process
 * and an API process as the images run them, and deploy/demo-migration.mjs driving the README's
 * example migration to the end. Afterwards both metrics ports show the run.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnTs, spawnWorker, stopProcess } from '../../scripts/lib/processes';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait';
import { metricValue, parsePrometheus } from './prometheus';

const run = promisify(execFile);
const database = uniqueName('ops_demo');
const project = uniqueName('ops_demo_hx');
const SEEDED_ROWS = 100_000;

let temporal: TestTemporal;
const children: ChildProcess[] = [];
const output = new Map<ChildProcess, string>();
const ports = { emulator: 0, api: 0, apiMetrics: 0, workerMetrics: 0 };

function start(child: ChildProcess): ChildProcess {
  children.push(child);
  output.set(child, '');
  child.stdout?.on('data', (d: Buffer) => output.set(child, output.get(child) + d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  return child;
}

const waitForOutput = (child: ChildProcess, text: string) => waitFor(async () => output.get(child)!.includes(text) || undefined, 60_000, `"${text}"`);

beforeAll(async () => {
  const admin = await mysql.createConnection({ uri: MARIADB_URL, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(`USE ${database}`);
  await admin.query(readFileSync(join(ROOT, 'deploy/demo/seed.sql'), 'utf8'));
  await admin.end();

  temporal = await startTestTemporal();
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
  const emulator = start(spawnTs('deploy/hydrolix-emulator.ts', { ...process.env, HYDROLIX_EMULATOR_PORT: String(ports.emulator), HYDROLIX_EMULATOR_PASSWORD: 'demo-secret' }, ['ignore', 'pipe', 'pipe']));
  await waitForOutput(emulator, 'listening on 0.0.0.0');

  const source = new URL(MARIADB_URL);
  source.pathname = `/${database}`;
  const common = { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: `ops-demo-${project}`, LOG_FORMAT: 'json' };
  const worker = start(
    spawnWorker(
      {
        ...common,
        SINGLESTORE_URL: source.toString(),
        HYDROLIX_URL: `http://127.0.0.1:${ports.emulator}`,
        HYDROLIX_USERNAME: 'admin@example.com',
        HYDROLIX_PASSWORD: 'demo-secret',
        HYDROLIX_PROJECT: project,
        HYDROLIX_VISIBILITY_WAIT_MS: '0',
        WORKER_METRICS_PORT: String(ports.workerMetrics),
        WORKER_HEALTH_PORT: '0',
      },
      ['ignore', 'pipe', 'pipe'],
    ),
  );
  const api = start(spawnTs('api/main.ts', { ...common, PORT: String(ports.api), API_METRICS_PORT: String(ports.apiMetrics) }, ['ignore', 'pipe', 'pipe']));
  await waitForOutput(worker, 'worker polling');
  await waitForOutput(api, 'API listening');
});

afterAll(async () => {
  for (const c of children.reverse()) await stopProcess(c);
  await temporal?.stop();
  const admin = await mysql.createConnection({ uri: MARIADB_URL });
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
});

async function scrape(port: number) {
  return parsePrometheus(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
}

describe('the demo, process by process', () => {
  it('the emulator answers on a non-loopback address too', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // a machine with loopback only has nothing else to reach it on
    const res = await fetch(`http://${external.address}:${ports.emulator}/config/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBeLessThan(500);
  });

  it('runs the example migration to completion through the API, and both metrics ports show it', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'deploy/demo-migration.mjs')], {
      env: { ...process.env, API_URL: `http://127.0.0.1:${ports.api}`, DEMO_DESTINATION_TABLE: 'sales_history' },
      timeout: 240_000,
    });
    expect(stdout).toMatch(/^started mig-/);
    // Progress lines come at each poll; a copy this small may finish between two, so only the end is certain.
    expect(stdout).toMatch(/^completed: 100000\/100000 rows \(100%\)$/m);
    const verification = JSON.parse(/^verification: (.*)$/m.exec(stdout)![1]);
    expect(verification).toMatchObject({ source_rows: SEEDED_ROWS, destination_rows: SEEDED_ROWS, ok: true });

    const worker = await scrape(ports.workerMetrics);
    expect(metricValue(worker, 'epic_shelter_rows_written', { source_type: 'SINGLESTORE', destination_type: 'HYDROLIX' })).toBe(SEEDED_ROWS);
    const api = await scrape(ports.apiMetrics);
    expect(metricValue(api, 'epic_shelter_api_requests_total', { method: 'POST', route: '/api/migrations', status: '201' })).toBe(1);
    expect(metricValue(api, 'epic_shelter_api_requests_total', { method: 'GET', route: '/api/migrations/:id', status: '200' })).toBeGreaterThanOrEqual(1);
  });
});
