/**
 * The worker's health endpoint against a real worker on a real Temporal dev server: 200 while it
 * runs and polls, 503 from the moment it is told to shut down (draining) and once it has stopped.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker, type RunningWorker } from '../../worker/create-worker';
import { startHealthServer } from '../../worker/health';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let running: RunningWorker;
let server: Server;
let done: Promise<void>;
const taskQueue = `ops-health-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  temporal = await startTestTemporal();
  running = await createWorker({ address: temporal.address, namespace: 'default', taskQueue, connectOptions: { address: temporal.address } }, { ...process.env, WORKER_SHUTDOWN_GRACE: '1s' });
  server = await startHealthServer(running.worker, { host: '127.0.0.1', port: 0, taskQueue });
});

afterAll(async () => {
  server?.close();
  if (running?.worker.getState() === 'RUNNING') running.worker.shutdown();
  await done?.catch(() => undefined);
  await running?.connection.close();
  await temporal?.stop();
});

async function health() {
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('worker health endpoint', () => {
  it('is 503 before the worker runs, 200 while it polls, 503 while draining and once stopped', async () => {
    expect(await health()).toMatchObject({ status: 503, body: { status: 'unavailable', state: 'INITIALIZED' } });
    done = running.worker.run();
    await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe(200);
    expect((await health()).body).toEqual({ status: 'ok', state: 'RUNNING', task_queue: taskQueue });

    running.worker.shutdown();
    const draining = await health();
    expect(draining.status).toBe(503);
    expect(['STOPPING', 'DRAINING', 'DRAINED', 'STOPPED']).toContain(draining.body.state);
    await done;
    expect(await health()).toMatchObject({ status: 503, body: { state: 'STOPPED' } });
  });

  it('answers only GET/HEAD on /healthz', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
