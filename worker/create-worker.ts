/** Wires a Temporal worker: workflows bundle + activities built from the process env. */
import { extname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import '../connectors';
import { type ConnectorCache, createActivities } from '../activities';
import { maxConcurrentCopies, type TemporalSettings } from './config';
import { MeteredConnectorCache, migrationMetricsInterceptor } from './metrics';

export interface RunningWorker {
  worker: Worker;
  connectors: ConnectorCache;
  connection: NativeConnection;
}

/**
 * `workflowBundlePath`: a pre-built bundle (see bundle.ts); without it the worker bundles the
 * workflows itself, which is simpler for in-process tests but costs memory for its lifetime.
 */
export async function createWorker(
  settings: TemporalSettings,
  env: NodeJS.ProcessEnv = process.env,
  workflowBundlePath?: string,
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect(settings.connectOptions as Parameters<typeof NativeConnection.connect>[0]);
  // Destinations count rows and bytes written per migration type (worker/metrics.ts).
  const connectors = new MeteredConnectorCache(env);
  let client: Promise<Client> | undefined;
  const temporalClient = () =>
    (client ??= Connection.connect(settings.connectOptions as Parameters<typeof Connection.connect>[0]).then((c) => new Client({ connection: c, namespace: settings.namespace })));
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath: join(__dirname, '..', 'workflows', `index${extname(__filename)}`) }),
    activities: createActivities({ env, connectors, temporalClient }),
    // Chunks, retries and errors per migration type; a no-op unless the runtime exports metrics.
    interceptors: { activity: [migrationMetricsInterceptor] },
    // Chunks are I/O bound; a few at a time per worker saturates 2 cores. Bounded: each copy
    // holds source and destination connections and up to a few pages of rows.
    maxConcurrentActivityTaskExecutions: maxConcurrentCopies(env),
    // On SIGTERM/SIGINT give running chunks a moment to finish; the rest are cancelled and
    // resume on another worker from their last heartbeat.
    shutdownGraceTime: (env.WORKER_SHUTDOWN_GRACE ?? '10s') as Duration,
    // Migration workflows are tiny orchestrators: one workflow thread and a modest cache keep
    // the worker's own footprint small (each thread is a V8 isolate holding the bundle).
    workflowThreadPoolSize: Number(env.WORKER_WORKFLOW_THREADS ?? 1),
    maxCachedWorkflows: Number(env.WORKER_MAX_CACHED_WORKFLOWS ?? 100),
    // Heartbeats carry chunk progress to the API; flush them every 2 s rather than every 24 s.
    maxHeartbeatThrottleInterval: '2s',
    defaultHeartbeatThrottleInterval: '2s',
  });
  return { worker, connectors, connection };
}
