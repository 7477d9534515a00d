/**
 * `npm run worker`: runs migration workflows and activities until SIGINT/SIGTERM, with JSON logs
 * (worker/logging.ts), Prometheus metrics on WORKER_METRICS_PORT (worker/metrics.ts) and a health
 * endpoint on WORKER_HEALTH_PORT (worker/health.ts).
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Runtime, type MetricsExporterConfig } from '@temporalio/worker';
import { bundleInChildProcess } from './bundle';
import { temporalSettings } from './config';
import { createWorker } from './create-worker';
import { startHealthServer, WORKER_HEALTH_PORT_DEFAULT } from './health';
import { coreLogLevel, createLogger, logSettings, routeConsole, TemporalLogAdapter, type Logger } from './logging';
import { portIsFree, portSetting, prometheusExporter, workerHttpHost, workerMetricsPort } from './metrics';

/** The exporter on WORKER_METRICS_PORT, or none when it is 0 or taken (several workers on one machine). */
async function metricsExporter(env: NodeJS.ProcessEnv, logger: Logger): Promise<{ config?: MetricsExporterConfig; port?: number }> {
  const host = workerHttpHost(env);
  const port = workerMetricsPort(env);
  if (port === 0) return {};
  if (!(await portIsFree(host, port))) {
    logger.warn({ port }, `metrics port ${host}:${port} is in use (another worker?): this worker exports no metrics; set WORKER_METRICS_PORT per worker`);
    return {};
  }
  return { config: prometheusExporter(host, port), port };
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
  const metrics = await metricsExporter(env, logger);
  Runtime.install({
    logger: new TemporalLogAdapter(logger),
    telemetryOptions: {
      // The core's own logs (connections, polling) through the same logger, as JSON.
      logging: { filter: { core: coreLogLevel(logSettings(env).level), other: 'ERROR' }, forward: {} },
      ...(metrics.config ? { metrics: metrics.config } : {}),
    },
  });
  // The Docker image carries a bundle built with it; otherwise bundle now, in a child process.
  const bundle = env.WORKER_WORKFLOW_BUNDLE && existsSync(env.WORKER_WORKFLOW_BUNDLE) ? env.WORKER_WORKFLOW_BUNDLE : await bundleInChildProcess();
  const { worker, connectors, connection } = await createWorker(settings, env, bundle);
  const health = await startHealth(env, worker, settings.taskQueue, logger);
  const address = (server: Server | undefined) => {
    const a = server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  };
  logger.info(
    { task_queue: settings.taskQueue, temporal_address: settings.address, namespace: settings.namespace, metrics_port: metrics.port, health_port: address(health) },
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
