/**
 * `npm start` as users run it: one command brings up the Temporal dev server, the worker and
 * the API; the seed's example request completes against the Hydrolix emulator while progress
 * is visible; Ctrl-C (SIGINT) stops every process.
 */
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { seedSales } from '../../scripts/seed-sales';
import { spawnTs, stopProcess, waitForExit } from '../../scripts/lib/processes';
import { startHydrolixEmulator } from '../hydrolix-emulator';
import { freePort } from '../support/ports';
import { StopWaiting, waitFor } from '../support/wait';

const DB = 'es_start_test';
const SEED_BODY = {
  name: 'Monthly Sales Migration',
  source_type: 'SINGLESTORE',
  source_config: { table: 'sales_data', query: "SELECT * FROM sales_data WHERE date >= '2024-01-01'" },
  destination_type: 'HYDROLIX',
  destination_config: { table: 'sales_history' },
};

let emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>;
let expectedRows = 0;

beforeAll(async () => {
  const root = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/test' });
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${DB}\``);
  await seedSales(`mysql://root@127.0.0.1:3306/${DB}`, 100_000);
  const [rows] = await root.query(`SELECT COUNT(*) AS n FROM \`${DB}\`.sales_data WHERE date >= '2024-01-01'`);
  expectedRows = Number((rows as Array<{ n: number }>)[0].n);
  await root.end();
  emulator = await startHydrolixEmulator({ port: 0, users: [{ username: 'demo@example.com', password: 'demo-pass' }] });
});

afterAll(async () => {
  await emulator?.close();
  const root = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/test' });
  await root.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await root.end();
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

it('runs the seed example end to end and stops cleanly on SIGINT', { timeout: 300_000 }, async () => {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DB_FILE: join(mkdtempSync(join(tmpdir(), 'es-start-')), 'temporal.sqlite'),
    SINGLESTORE_URL: `mysql://root@127.0.0.1:3306/${DB}`,
    HYDROLIX_URL: emulator.url,
    HYDROLIX_USERNAME: 'demo@example.com',
    HYDROLIX_PASSWORD: 'demo-pass',
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
  };
  delete env.TEMPORAL_ADDRESS;
  const start = spawnTs('scripts/start.ts', env, ['ignore', 'ignore', 'inherit']);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 120_000, 'the API');
    expect(await portOpen(uiPort)).toBe(true); // the Web UI is served

    // Slow ingest a little so progress can be watched mid-copy.
    emulator.state.setDelay({ ms: 500, path: 'ingest' });
    const res = await fetch(`${base}/api/migrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SEED_BODY),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const observed: number[] = [];
    const final = await waitFor(
      async () => {
        const s = (await (await fetch(`${base}/api/migrations/${id}`)).json()) as any;
        if (s.status === 'failed') throw new StopWaiting(`failed: ${s.error}`);
        if (s.status === 'running') observed.push(s.rows_copied);
        return s.status === 'completed' ? s : undefined;
      },
      180_000,
      'the seed migration',
      200,
    );
    expect(final).toMatchObject({ status: 'completed', progress: 100, rows_copied: expectedRows, rows_total: expectedRows });
    expect(observed.some((n) => n > 0 && n < expectedRows)).toBe(true); // progress moved while running
    expect(emulator.state.rows('epic_shelter', 'sales_history').rows.length).toBe(expectedRows);
  } finally {
    start.kill('SIGINT');
    const code = await Promise.race([waitForExit(start), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 45_000))]);
    if (code === 'hung') await stopProcess(start, 'SIGKILL', 1_000);
    expect(code).toBe(0);
  }
  expect(await portOpen(port)).toBe(false);
  expect(await portOpen(temporalPort)).toBe(false);
});
