/**
 * The worker's health endpoint (WORKER_HEALTH_PORT): `GET /healthz` answers 200 while the worker
 * is running and polling its task queue, 503 once it is draining or stopped (SIGTERM: running
 * chunks finish or hand over, nothing new is taken), so orchestrators stop counting on it.
 */
import { createServer, type Server } from 'node:http';
import type { Worker } from '@temporalio/worker';

export const WORKER_HEALTH_PORT_DEFAULT = 8081;

export interface WorkerHealth {
  status: 'ok' | 'unavailable';
  state: string;
  task_queue: string;
}

export function workerHealth(worker: Pick<Worker, 'getState'>, taskQueue: string): WorkerHealth {
  const state = worker.getState();
  return { status: state === 'RUNNING' ? 'ok' : 'unavailable', state, task_queue: taskQueue };
}

/** Starts the endpoint on host:port (port 0: any free port); resolves once it listens. */
export function startHealthServer(worker: Pick<Worker, 'getState'>, opts: { host: string; port: number; taskQueue: string }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/healthz' && path !== '/') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no route for ${path}` }));
      return;
    }
    const health = workerHealth(worker, opts.taskQueue);
    res.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(health));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
