/**
 * A whole Epic Shelter stack for end-to-end tests: real Temporal dev server, the Hydrolix
 * emulator, and the API app; workers run in-process or as real child processes.
 */
import type { ChildProcess } from 'node:child_process';
import { createApp } from '../../api/app';
import '../../connectors';
import { spawnWorker, stopProcess } from '../../scripts/lib/processes';
import { createWorker, type RunningWorker } from '../../worker/create-worker';
import { startHydrolixEmulator } from '../hydrolix-emulator';
import { MARIADB_URL } from './mariadb';
import { startTestTemporal, type TestTemporal } from './temporal';
import { TEST_PG_URL } from './postgres';

export const EMULATOR_USER = { username: 'admin@example.com', password: 'hx-Pa55word-SECRET' };

export interface Stack {
  temporal: TestTemporal;
  emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>;
  app: ReturnType<typeof createApp>;
  taskQueue: string;
  workerEnv: NodeJS.ProcessEnv;
  startInProcessWorker(): Promise<RunningWorker & { done: Promise<void> }>;
  spawnWorker(): ChildProcess;
  stop(): Promise<void>;
}

export async function startStack(opts: { project: string; dbFile?: string; dynamicConfig?: Record<string, unknown> }): Promise<Stack> {
  const temporal = await startTestTemporal({ dbFile: opts.dbFile, dynamicConfig: opts.dynamicConfig });
  const emulator = await startHydrolixEmulator({ port: 0, users: [EMULATOR_USER] });
  const taskQueue = `es-test-${Math.random().toString(36).slice(2, 8)}`;
  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SINGLESTORE_URL: MARIADB_URL,
    POSTGRES_URL: TEST_PG_URL,
    HYDROLIX_URL: emulator.url,
    HYDROLIX_USERNAME: EMULATOR_USER.username,
    HYDROLIX_PASSWORD: EMULATOR_USER.password,
    HYDROLIX_PROJECT: opts.project,
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
    HYDROLIX_RETRY_BASE_MS: '100',
  };
  const app = createApp({ client: temporal.client, connection: temporal.connection, taskQueue });
  const inProcess: Array<RunningWorker & { done: Promise<void> }> = [];
  const children: ChildProcess[] = [];
  return {
    temporal,
    emulator,
    app,
    taskQueue,
    workerEnv,
    async startInProcessWorker() {
      const w = await createWorker({ address: temporal.address, namespace: 'default', taskQueue, connectOptions: { address: temporal.address } }, workerEnv);
      const running = { ...w, done: w.worker.run() };
      inProcess.push(running);
      return running;
    },
    spawnWorker() {
      const child = spawnWorker(workerEnv, ['ignore', 'ignore', 'inherit']);
      children.push(child);
      return child;
    },
    async stop() {
      for (const c of children) await stopProcess(c, 'SIGKILL');
      for (const w of inProcess) {
        if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
        await w.done.catch(() => undefined);
        await w.connectors.closeAll();
        await w.connection.close();
      }
      await emulator.close();
      await temporal.stop();
    },
  };
}

/** JSON helpers over the Hono app (no sockets needed). */
export async function api(app: Stack['app'], method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}
