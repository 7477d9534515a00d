/**
 * `npm run worker`: runs migration workflows and activities until SIGINT/SIGTERM, with JSON logs
 * (worker/logging.ts), Prometheus metrics on WORKER_METRICS_PORT (worker/metrics.ts) and a health
 * endpoint on WORKER_HEALTH_PORT (worker/health.ts).
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Runtime, type MetricsExporterConfig } from '@temporalio/worker';
import { bundleInChildProcess } from './bundle';
import { portSetting, temporalSettings } from './config';
import { createWorker } from './create-worker';
import { startHealthServer, WORKER_HEALTH_PORT_DEFAULT } from './health';
import { coreLogLevel, createLogger, logSettings, routeConsole, TemporalLogAdapter, type Logger } from './logging';
import { prometheusExporter, workerHttpHost, workerMetricsPort } from './metrics';

/**
 * Installs the Temporal runtime: its logger (and the core's own logs) through ours, and the
 * Prometheus exporter on WORKER_METRICS_PORT unless that is 0 or taken (several workers on one
 * machine): then the worker runs without metrics and says so. Returns the port it exports on.
 */
function installRuntime(env: NodeJS.ProcessEnv, logger: Logger): number | undefined {
  const logging = { filter: { core: coreLogLevel(logSettings(env).level), other: 'ERROR' as const }, forward: {} };
  const install = (metrics?: MetricsExporterConfig) => Runtime.install({ logger: new TemporalLogAdapter(logger), telemetryOptions: { logging, ...(metrics ? { metrics } : {}) } });
  const host = workerHttpHost(env);
  const port = workerMetricsPort(env);
  if (port === 0) {
    install();
    return undefined;
  }
  try {
    install(prometheusExporter(host, port));
    return port;
  } catch (err) {
    logger.warn({ port }, `metrics on ${host}:${port} are off: ${(err as Error).message}. Give each worker on a machine its own WORKER_METRICS_PORT`);
    install();
    return undefined;
  }
}

async function startHealth(env: NodeJS.ProcessEnv, worker: Parameters<typeof startHealthServer>[0], taskQueue: string, logger: Logger): Promise<Server | undefined> {
  const host = workerHttpHost(env);
  const port = portSetting(env, 'WORKER_HEALTH_PORT', WORKER_HEALTH_PORT_DEFAULT);
  if (port === 0) return undefined;
  try {
    return await startHealthServer(worker, { host, port, taskQueue });
  } catch (err) {
    logger.warn({ port }, `health port ${host}:${port} is not available (${(err as Error).message}): no health endpoint; set WORKER_HEALTH_PORT per worker`);
    return undefined;
  }
}

async function main(logger: Logger) {
  const env = process.env;
  const settings = temporalSettings(env);
  const metricsPort = installRuntime(env, logger);
  // The Docker image carries a bundle built with it; otherwise bundle now, in a child process.
  const bundle = env.WORKER_WORKFLOW_BUNDLE && existsSync(env.WORKER_WORKFLOW_BUNDLE) ? env.WORKER_WORKFLOW_BUNDLE : await bundleInChildProcess();
  const { worker, connectors, connection } = await createWorker(settings, env, bundle);
  const health = await startHealth(env, worker, settings.taskQueue, logger);
  const address = (server: Server | undefined) => {
    const a = server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  };
  logger.info(
    { task_queue: settings.taskQueue, temporal_address: settings.address, namespace: settings.namespace, metrics_port: metricsPort, health_port: address(health) },
    `worker polling task queue "${settings.taskQueue}" on ${settings.address}`,
  );
  // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks drain (the SDK installs the
  // handlers); meanwhile the health endpoint answers 503.
  await worker.run();
  health?.close();
  await connectors.closeAll();
  await connection.close();
  logger.info('worker stopped');
}

let logger: Logger;
try {
  logger = createLogger(process.env, { service: 'worker' });
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
routeConsole(logger);
main(logger).catch((err) => {
  logger.fatal({ err: { type: (err as Error)?.name, message: (err as Error)?.message ?? String(err) } }, 'worker failed');
  process.exit(1);
});
